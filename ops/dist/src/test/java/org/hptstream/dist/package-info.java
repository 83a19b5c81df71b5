/** Tests of the installable archive: unpacked and run the way a user runs it. */
package org.hptstream.dist;
