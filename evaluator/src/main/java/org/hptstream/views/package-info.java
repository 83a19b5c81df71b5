/**
 * Terminal views over the topics: {@code hpt watch} (the leaderboard, refreshed as it changes) and
 * {@code hpt checkpoints} (a domain's checkpoint lineage with its promoted checkpoint).
 */
package org.hptstream.views;
