/**
 * {@code ops/bench/learning}: writes the demo's target domain and the cpu-small profile for the
 * PyTorch reference training that our engine's learning is compared with.
 */
package org.hptstream.bench.learning;
