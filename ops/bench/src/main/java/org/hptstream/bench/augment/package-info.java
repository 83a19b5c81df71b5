/**
 * {@code ops/bench/augment}: two-view MoCo v2 augmentation throughput (ours, batched tensor ops)
 * against torchvision's PIL pipeline, and against what a cpu-small training step consumes.
 */
package org.hptstream.bench.augment;
