/**
 * Representation health: collapse indicators (effective rank, per-dimension spread) of a backbone's
 * features.
 */
package org.hptstream.health;
