package org.hptstream.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the PyTorch-generated fixtures of {@code ops/tools/make_test_fixtures.py}. */
public final class Fixtures {
  private Fixtures() {}

  /** Decodes {@code fixtures/<name>} (an .npz) into {@code manager}. */
  public static NDList npz(NDManager manager, String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test fixture " + name);
      }
      return NDList.decode(manager, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
