/**
 * Avro serde speaking the Confluent Schema Registry wire format, for Kafka clients and Kafka
 * Streams.
 */
package org.hptstream.serde;
