/**
 * Tensor primitives the engine's DJL/libtorch binding does not get right by itself: {@link
 * org.hptstream.tensor.TensorCopy}, a copy that really owns new storage.
 */
package org.hptstream.tensor;
