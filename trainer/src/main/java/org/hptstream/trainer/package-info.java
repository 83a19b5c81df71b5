/**
 * The trainer service ({@code hpt trainer}): consumes image topics and training requests in one
 * consumer group, keeps a bounded seeded sample per domain, runs pretraining jobs on their own
 * executor, and announces each finished checkpoint exactly once (event and consumed offsets in one
 * Kafka transaction, after the checkpoint is durable). The ML itself is {@code
 * org.hptstream.pretrain}'s; this package composes it with Kafka through small interfaces ({@link
 * org.hptstream.trainer.TriggerPolicy}, {@link org.hptstream.trainer.CommitStep}, the checkpoint
 * store).
 */
package org.hptstream.trainer;
