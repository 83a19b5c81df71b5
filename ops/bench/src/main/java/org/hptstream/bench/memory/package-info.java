/** {@code ops/bench/memory}: resident memory of a long pretraining job; it must plateau. */
package org.hptstream.bench.memory;
