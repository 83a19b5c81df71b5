/** {@code ops/bench/probe}: the checkpoint a linear-probe comparison with PyTorch evaluates. */
package org.hptstream.bench.probe;
