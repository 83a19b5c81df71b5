/**
 * The leaderboard: a Kafka Streams application over the metric, checkpoint and promotion topics
 * that keeps, per domain and ranked metric, the best checkpoint so far (among results of the same
 * protocol, split, parameters and examples), its gain over the domain's BASE row, the history the
 * charts draw, the checkpoint lineage and each domain's promoted checkpoint; served by interactive
 * queries over HTTP (JSON) and a page.
 */
package org.hptstream.leaderboard;
