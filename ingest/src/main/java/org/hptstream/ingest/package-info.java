/**
 * Ingest: validating local images and sending them to a domain's topic as Avro image batches, and
 * reading a topic back.
 */
package org.hptstream.ingest;
