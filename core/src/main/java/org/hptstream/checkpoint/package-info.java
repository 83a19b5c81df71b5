/**
 * The checkpoint store: atomic, SHA-256-verified checkpoints with manifests, and what a load
 * actually loaded.
 */
package org.hptstream.checkpoint;
