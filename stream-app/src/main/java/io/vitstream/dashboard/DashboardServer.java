package io.vitstream.dashboard;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server on the loopback address serving only the dashboard, for the demo until the
 * dashboard shares the metrics endpoint's server (see {@link Dashboard#register}).
 */
public final class DashboardServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private DashboardServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts.
   *
   * @param port the port; 0 picks a free one
   * @throws IOException when the port is taken
   */
  public static DashboardServer start(int port, DashboardState state) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    Dashboard.register(server, state);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "dashboard-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new DashboardServer(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://localhost:PORT/}. */
  public URI url() {
    return URI.create("http://localhost:" + port() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
