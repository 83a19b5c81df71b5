package org.hptstream.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shape of a torchvision-equivalent ResNet.
 *
 * <p>The stable string form {@link #id()} (e.g. {@code resnet50}, {@code resnet18-w16-small},
 * {@code resnet18-w8-small-in1}) is what manifests record and what {@link #parse(String)} reads
 * back; default parts are omitted so the torchvision architectures keep their plain names.
 *
 * @param depth 18, 34 (BasicBlock) or 50, 101, 152 (Bottleneck)
 * @param width channels of the first stage (torchvision: 64); stages use width, 2w, 4w, 8w (times 4
 *     at the output of a Bottleneck). Smaller widths keep CPU tests fast.
 * @param smallImage {@code true} for the small-image stem (3x3 stride-1 conv, no max-pool), as used
 *     for 32x32-ish inputs; {@code false} for torchvision's 7x7 stride-2 conv + 3x3 stride-2
 *     max-pool
 * @param inChannels number of input image channels (3 for RGB, 1 for grey)
 */
public record ResNetConfig(int depth, int width, boolean smallImage, int inChannels) {

  /** torchvision's base width. */
  public static final int DEFAULT_WIDTH = 64;

  private static final Pattern ID =
      Pattern.compile("resnet(\\d+)(?:-w(\\d+))?(-small)?(?:-in(\\d+))?");

  /** Validates the fields. */
  public ResNetConfig {
    if (stageBlocks(depth) == null) {
      throw new IllegalArgumentException(
          "unsupported ResNet depth " + depth + " (use 18, 34, 50, 101 or 152)");
    }
    if (width < 1) {
      throw new IllegalArgumentException("width must be positive: " + width);
    }
    if (inChannels < 1) {
      throw new IllegalArgumentException("inChannels must be positive: " + inChannels);
    }
  }

  /** torchvision's {@code resnet18} (RGB, 224-px stem). */
  public static ResNetConfig resnet18() {
    return new ResNetConfig(18, DEFAULT_WIDTH, false, 3);
  }

  /** torchvision's {@code resnet50} (RGB, 224-px stem). */
  public static ResNetConfig resnet50() {
    return new ResNetConfig(50, DEFAULT_WIDTH, false, 3);
  }

  /** A copy with another first-stage width. */
  public ResNetConfig withWidth(int newWidth) {
    return new ResNetConfig(depth, newWidth, smallImage, inChannels);
  }

  /** A copy with the small-image stem switched on or off. */
  public ResNetConfig withSmallImage(boolean small) {
    return new ResNetConfig(depth, width, small, inChannels);
  }

  /** A copy for images with {@code channels} channels. */
  public ResNetConfig withInChannels(int channels) {
    return new ResNetConfig(depth, width, smallImage, channels);
  }

  /** {@code true} for Bottleneck units (depth 50 and up), {@code false} for BasicBlock. */
  public boolean bottleneck() {
    return depth >= 50;
  }

  /** Channel expansion of a residual unit's output: 4 for Bottleneck, 1 for BasicBlock. */
  public int expansion() {
    return bottleneck() ? 4 : 1;
  }

  /** Number of residual units in each of the four stages. */
  public int[] blocksPerStage() {
    return stageBlocks(depth).clone();
  }

  /** Dimension of the globally pooled backbone features (2048 for ResNet-50, 512 for ResNet-18). */
  public int featureDim() {
    return width * 8 * expansion();
  }

  /** Stable string form, e.g. {@code resnet18-w16-small}; inverse of {@link #parse(String)}. */
  public String id() {
    StringBuilder sb = new StringBuilder("resnet").append(depth);
    if (width != DEFAULT_WIDTH) {
      sb.append("-w").append(width);
    }
    if (smallImage) {
      sb.append("-small");
    }
    if (inChannels != 3) {
      sb.append("-in").append(inChannels);
    }
    return sb.toString();
  }

  /**
   * Reads the string form written by {@link #id()}.
   *
   * @throws IllegalArgumentException if {@code id} is not such a string
   */
  public static ResNetConfig parse(String id) {
    Matcher m = ID.matcher(id.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not an architecture id: '" + id + "' (expected e.g. resnet50, resnet18-w16-small-in1)");
    }
    return new ResNetConfig(
        Integer.parseInt(m.group(1)),
        m.group(2) == null ? DEFAULT_WIDTH : Integer.parseInt(m.group(2)),
        m.group(3) != null,
        m.group(4) == null ? 3 : Integer.parseInt(m.group(4)));
  }

  @Override
  public String toString() {
    return id();
  }

  private static int[] stageBlocks(int depth) {
    return switch (depth) {
      case 18 -> new int[] {2, 2, 2, 2};
      case 34, 50 -> new int[] {3, 4, 6, 3};
      case 101 -> new int[] {3, 4, 23, 3};
      case 152 -> new int[] {3, 8, 36, 3};
      default -> null;
    };
  }
}
