/**
 * {@code ops/bench/trainer}: the trainer service on the local stack vs the same job run by {@code
 * PretrainJob} in one JVM, and the time to rebuild a domain's sample from the log.
 */
package org.hptstream.bench.trainer;
