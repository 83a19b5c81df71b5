/**
 * The evaluator service: a consumer group on the checkpoint topic that resolves each checkpoint by
 * id in its own store, verifies it, runs the configured protocols on the domain's labelled splits
 * (read from the domain's topic) and commits the metric events together with the consumed offsets
 * in one Kafka transaction; bad checkpoints become dead letters with the reason.
 */
package org.hptstream.evaluator;
