/**
 * Feature extraction from a frozen backbone: evaluation transforms, input pipeline, data splits and
 * the bounded feature cache.
 */
package org.hptstream.features;
