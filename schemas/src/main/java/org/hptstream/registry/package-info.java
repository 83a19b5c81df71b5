/**
 * A client of the Confluent Schema Registry REST API (works with Confluent, Apicurio ccompat,
 * Karapace, Redpanda).
 */
package org.hptstream.registry;
