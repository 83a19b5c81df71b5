/**
 * Kafka client configuration shared by producers, consumers and admin clients, and Avro event
 * publishing.
 */
package org.hptstream.clients;
