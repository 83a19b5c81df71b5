/** Accuracy statistics: top-1 accuracy, mean and spread over reruns, protocol parameters. */
package org.hptstream.stats;
