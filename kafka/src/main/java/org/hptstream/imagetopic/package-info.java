/**
 * Consuming image topics: decoding image batches (bounded by the pixel cap), dead-lettering what
 * cannot be decoded, reading a domain back into memory. Shared by the trainer and evaluator
 * services and the demo.
 */
package org.hptstream.imagetopic;
