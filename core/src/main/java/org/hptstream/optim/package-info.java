/**
 * Optimisation: SGD with momentum and weight decay whose state can be checkpointed, and
 * learning-rate schedules.
 */
package org.hptstream.optim;
