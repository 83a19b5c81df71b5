/**
 * Image data: IDX and image-folder readers, header-checked decoding, in-memory image sets, channel
 * statistics and content hashes.
 */
package org.hptstream.data;
