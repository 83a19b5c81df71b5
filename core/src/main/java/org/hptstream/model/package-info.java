/**
 * Backbones: a torchvision-equivalent ResNet built from DJL blocks, and weight import/export by
 * torchvision names.
 */
package org.hptstream.model;
