package org.hptstream.tensor;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** libtorch's autograd switch, which is per thread. */
public final class GradMode {
  private GradMode() {}

  /**
   * Turns autograd off on the calling thread. The engine turns it off only on the thread that
   * loaded it, so every other thread running DJL (a service's job or poll thread) calls this first;
   * training opens its own gradient collector. Loads the engine if no thread has yet (the native
   * call fails with UnsatisfiedLinkError before that).
   */
  public static void offOnThisThread() {
    Engine.getInstance();
    JniUtils.setGradMode(false);
  }
}
