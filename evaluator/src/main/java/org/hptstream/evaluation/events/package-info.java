/** Metric events: evaluation results as Avro {@code MetricEvent} records for the metrics topic. */
package org.hptstream.evaluation.events;
