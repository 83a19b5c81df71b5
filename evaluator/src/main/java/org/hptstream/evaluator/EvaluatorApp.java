package org.hptstream.evaluator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.hptstream.leaderboard.Leaderboard;
import org.hptstream.leaderboard.LeaderboardConfig;
import org.hptstream.leaderboard.LeaderboardHttp;
import org.hptstream.service.ServiceHttp;

/**
 * One evaluator process: the HTTP endpoint ({@code /health}, {@code /metrics}, the leaderboard API
 * and page), the leaderboard application (when enabled) and the evaluation loop.
 */
public final class EvaluatorApp implements AutoCloseable {
  private final ServiceHttp http;
  private final Leaderboard leaderboard;
  private final EvaluatorService service;

  private EvaluatorApp(ServiceHttp http, Leaderboard leaderboard, EvaluatorService service) {
    this.http = http;
    this.leaderboard = leaderboard;
    this.service = service;
  }

  /** Starts everything but the loop ({@link #run()}). */
  public static EvaluatorApp start(
      EvaluatorServiceConfig config,
      LeaderboardConfig leaderboardConfig,
      Map<String, Object> clientConfig)
      throws IOException {
    EvaluatorService[] service = new EvaluatorService[1];
    Leaderboard[] board = new Leaderboard[1];
    ServiceHttp http =
        new ServiceHttp(
            new InetSocketAddress(config.httpBind(), config.httpPort()),
            () -> {
              boolean up =
                  service[0] != null
                      && service[0].healthy()
                      && (board[0] == null || board[0].healthy());
              String detail =
                  "{\"pending\":"
                      + (service[0] == null ? 0 : service[0].pending())
                      + ",\"leaderboard\":\""
                      + (board[0] == null ? "disabled" : board[0].state())
                      + "\"}";
              return new ServiceHttp.Health(up, detail);
            });
    try {
      if (config.leaderboard()) {
        board[0] =
            new Leaderboard(
                clientConfig,
                leaderboardConfig,
                new HostInfo(advertisedHost(config.httpBind()), http.port()));
        LeaderboardHttp.register(http, board[0]);
      }
      service[0] = new EvaluatorService(config, clientConfig, http.registry());
    } catch (RuntimeException e) {
      if (board[0] != null) {
        board[0].close();
      }
      http.close();
      throw e;
    }
    http.start();
    return new EvaluatorApp(http, board[0], service[0]);
  }

  /**
   * How the other leaderboard instances reach this one: the bind address, or this host's name when
   * bound to every interface.
   */
  static String advertisedHost(String bind) {
    try {
      InetAddress a = InetAddress.getByName(bind);
      return a.isAnyLocalAddress() ? InetAddress.getLocalHost().getCanonicalHostName() : bind;
    } catch (java.net.UnknownHostException e) {
      return bind;
    }
  }

  /** The evaluation loop, until {@link #stop}. */
  public void run() {
    service.run();
  }

  public void stop(Duration timeout) throws InterruptedException {
    service.stop(timeout);
  }

  public int port() {
    return http.port();
  }

  /** The evaluation loop. */
  public EvaluatorService service() {
    return service;
  }

  /** The leaderboard, or null when disabled. */
  public Leaderboard leaderboard() {
    return leaderboard;
  }

  @Override
  public void close() {
    service.close();
    if (leaderboard != null) {
      leaderboard.close();
    }
    http.close();
  }
}
