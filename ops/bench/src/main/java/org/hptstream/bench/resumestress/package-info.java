/**
 * {@code ops/bench/resume-stress}: compares the final checkpoint of each resumed job with its
 * uninterrupted run, tensor by tensor.
 */
package org.hptstream.bench.resumestress;
