/**
 * Progress of long-running commands on the console (ingest, pretraining): a progress bar, or plain
 * lines when bars are turned off.
 */
package org.hptstream.progress;
