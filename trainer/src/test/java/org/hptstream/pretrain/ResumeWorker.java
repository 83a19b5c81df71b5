package org.hptstream.pretrain;

import java.nio.file.Path;
import org.hptstream.strategy.Strategy;

/**
 * A child process of {@link ConcurrentResumeTest}: resumes one tiny job ({@link TinyJobs}) from its
 * latest checkpoint and runs it to the end, collecting garbage after every step so that memory a
 * dangling alias of a freed checkpoint buffer points to is released and reused early.
 *
 * <p>Arguments: strategy (cli name), parent checkpoint directory or {@code none}, store, steps.
 */
public final class ResumeWorker {
  private ResumeWorker() {}

  public static void main(String[] args) {
    Strategy strategy = Strategy.parse(args[0]);
    Path parent = "none".equals(args[1]) ? null : Path.of(args[1]);
    PretrainConfig c = ConcurrentResumeTest.config(Long.parseLong(args[3]));
    PretrainJob.Result r =
        new PretrainJob()
            .addListener(
                new TrainingListener() {
                  @Override
                  public void onStep(StepReport s) {
                    RestoredStateOwnershipTest.collectGarbage();
                  }
                })
            .run(ConcurrentResumeTest.request(strategy, parent, Path.of(args[2]), c, true));
    if (r.resumedFrom() == null) {
      System.err.println("nothing was resumed");
      System.exit(3);
    }
    System.out.println("RESUMED " + r.resumedFrom() + " -> " + r.id());
    System.exit(0);
  }
}
