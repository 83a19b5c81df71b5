package org.hptstream.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code hpt stack up} does, as a main of its own: {@link LocalStackTest} runs it in a child
 * JVM that exits afterwards, to show that the stack outlives the command that started it.
 */
final class UpInOwnJvm {
  private UpInOwnJvm() {}

  /** Arguments: data dir, kafka port, controller port, registry port, timeout seconds. */
  public static void main(String[] args) {
    LocalStack stack =
        new LocalStack(
            new LocalStack.Config(
                Path.of(args[0]),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Duration.ofSeconds(Long.parseLong(args[4]))));
    try {
      stack.up(System.out);
      System.exit(0);
    } catch (StackException e) {
      System.out.println("up failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
