/**
 * MoCo v2 augmentations as batched tensor ops (two views per image) and the evaluation transform.
 */
package org.hptstream.augment;
