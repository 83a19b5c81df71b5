package org.hptstream.leaderboard;

import java.util.Map;

/**
 * A group's leader as the HTTP API and the page show it.
 *
 * @param group the comparison group's key
 * @param domain the domain
 * @param metric e.g. {@code linear-top1}
 * @param protocol the protocol id
 * @param split the split reported on
 * @param parameters the protocol parameters the group shares
 * @param examples examples per split the group shares
 * @param best the best candidate so far
 * @param base the domain's BASE row in this group, or null
 * @param gainOverBase the best's gain over BASE (positive = better), or null without a BASE row
 * @param candidates checkpoints compared
 * @param updatedAt latest evaluation time in the group (epoch millis)
 */
public record Standing(
    String group,
    String domain,
    String metric,
    String protocol,
    String split,
    Map<String, String> parameters,
    Map<String, Long> examples,
    Candidate best,
    Candidate base,
    Double gainOverBase,
    int candidates,
    long updatedAt) {}
