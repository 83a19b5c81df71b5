package org.hptstream.evaluation;

import org.hptstream.data.ImageSet;

/**
 * The labelled splits an evaluation uses.
 *
 * @param train labelled training split (source domain for {@link Protocol#TRANSFER})
 * @param val labelled validation split, or {@code null} for a seeded hold-out of {@code train}
 * @param test labelled test split
 * @param targetTest the target domain's labelled test split ({@link Protocol#TRANSFER}), or {@code
 *     null}
 */
public record EvaluationData(ImageSet train, ImageSet val, ImageSet test, ImageSet targetTest) {}
