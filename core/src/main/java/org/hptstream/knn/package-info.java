/**
 * k-nearest-neighbour classification on frozen features (cosine similarity, temperature-weighted
 * votes).
 */
package org.hptstream.knn;
