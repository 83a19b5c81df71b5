/** Semi-supervised evaluation: fine-tuning the whole network from a small labelled sample. */
package org.hptstream.semisup;
