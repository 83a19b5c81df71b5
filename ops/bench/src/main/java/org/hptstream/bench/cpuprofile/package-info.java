/**
 * {@code ops/bench/cpu-profile}: the settings sweep behind the cpu-small pretraining profile, each
 * setting scored against seeded random networks of the same architecture.
 */
package org.hptstream.bench.cpuprofile;
