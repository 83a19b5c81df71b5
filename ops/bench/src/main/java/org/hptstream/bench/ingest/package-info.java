/** {@code ops/bench/ingest}: ingest throughput against Kafka's ProducerPerformance. */
package org.hptstream.bench.ingest;
