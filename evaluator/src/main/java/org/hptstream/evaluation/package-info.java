/**
 * Evaluation of a backbone checkpoint: the protocols, their configuration and results, checkpoint
 * loading and the {@code hpt evaluate} command.
 */
package org.hptstream.evaluation;
