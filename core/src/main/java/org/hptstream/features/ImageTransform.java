package org.hptstream.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.hptstream.augment.BatchAugmenter;
import org.hptstream.augment.EvalTransform;
import org.hptstream.data.ChannelStats;

/**
 * uint8 {@code [B, C, H, W]} images to a backbone's normalised float input, owned by the images'
 * manager. Deterministic transforms ignore {@code rng}.
 */
@FunctionalInterface
public interface ImageTransform {
  NDArray apply(NDArray uint8Images, Random rng);

  /**
   * Images at their own size: {@code (x / 255 - mean) / std} per channel, nothing else. Grey images
   * under RGB statistics (a grey domain trained as RGB) are repeated to RGB first.
   */
  static ImageTransform normalizeOnly(ChannelStats norm) {
    return (x, rng) -> {
      int c = Math.toIntExact(x.getShape().get(1));
      if (c == 1 && norm.channels() > 1) {
        x = x.repeat(1, norm.channels());
        c = norm.channels();
      }
      ChannelStats s = norm.expandTo(c);
      NDArray mean = x.getManager().create(s.mean(), new Shape(1, c, 1, 1));
      NDArray std = x.getManager().create(s.std(), new Shape(1, c, 1, 1));
      return x.toType(DataType.FLOAT32, false).divi(255f).subi(mean).divi(std);
    };
  }

  /** Core's eval transform (resize + center crop + normalise). */
  static ImageTransform of(EvalTransform t) {
    return (x, rng) -> t.apply(x);
  }

  /** Core's batched augmentation (e.g. the probe's random-resized-crop + flip) + normalise. */
  static ImageTransform of(BatchAugmenter a) {
    return a::apply;
  }
}
