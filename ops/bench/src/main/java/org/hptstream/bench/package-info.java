/**
 * Benchmarks: one sub-package per {@code ops/bench/<name>/run} script, holding that bench's Java
 * side. The scripts are the entry points; the build only compiles this module (see {@code
 * ops/bench/README.md}).
 */
package org.hptstream.bench;
