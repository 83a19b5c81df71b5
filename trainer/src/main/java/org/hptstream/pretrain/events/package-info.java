/**
 * Checkpoint events: finished checkpoints as Avro {@code CheckpointEvent} records for the
 * checkpoints topic.
 */
package org.hptstream.pretrain.events;
