/** {@code ops/bench/moco-step}: one MoCo v2 step and feature extraction, DJL against PyTorch. */
package org.hptstream.bench.mocostep;
