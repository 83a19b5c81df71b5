package org.hptstream.pretrain;

import java.time.Duration;

/**
 * One step's numbers.
 *
 * @param step the step just finished, 1-based (== steps done)
 * @param totalSteps steps of the whole job
 * @param loss InfoNCE loss of the step (NaN for a job without a loss, e.g. BN recalibration)
 * @param lr learning rate used in the step
 * @param imagesPerSecond images per second over recent steps
 * @param eta estimated time to the end of the job
 * @param featureStd collapse indicator: mean over dimensions of the per-dimension std of the
 *     L2-normalised query features; ~1/sqrt(dim) when healthy, tends to 0 on collapse
 */
public record StepReport(
    long step,
    long totalSteps,
    double loss,
    double lr,
    double imagesPerSecond,
    Duration eta,
    double featureStd) {}
