/**
 * A pretraining job: configuration, session, periodic checkpoints, resume, base import and the
 * {@code hpt pretrain} and {@code hpt import} commands.
 */
package org.hptstream.pretrain;
