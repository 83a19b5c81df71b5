/**
 * Linear separability: a linear classifier trained on frozen, pooled backbone features, with its
 * learning-rate sweep.
 */
package org.hptstream.probe;
