/**
 * {@code ops/bench/evaluator}: the evaluator service's checkpoint-to-metrics latency vs an
 * in-process evaluation of the same checkpoint in the same warm JVM.
 */
package org.hptstream.bench.evaluator;
