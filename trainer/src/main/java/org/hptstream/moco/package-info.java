/**
 * MoCo v2: query and key encoders, projection head, key queue, InfoNCE loss and the training step.
 */
package org.hptstream.moco;
