package org.hptstream.evaluation;

import java.util.Map;

/**
 * What produced a result: enough to reproduce it and to tell results of different checkpoints
 * apart.
 *
 * @param checkpointId the checkpoint's id (as its manifest names it)
 * @param checkpointSha256 hash identifying the checkpoint's content
 * @param architecture the backbone's architecture id, e.g. {@code resnet18-w8-small-in1}
 * @param protocol the protocol id
 * @param parameters the protocol's parameters
 * @param splitSizes rows per split, e.g. train / val / test
 * @param seed the seed everything random was drawn from
 * @param wallSeconds wall time of the protocol, including feature extraction not found in the cache
 * @param startedAt ISO-8601 start time
 * @param device where the math ran, e.g. {@code cpu()} or {@code gpu(0)}
 */
public record Provenance(
    String checkpointId,
    String checkpointSha256,
    String architecture,
    String protocol,
    Map<String, Object> parameters,
    Map<String, Integer> splitSizes,
    long seed,
    double wallSeconds,
    String startedAt,
    String device) {}
