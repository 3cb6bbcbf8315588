package io.vitstream.metrics;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The app's HTTP server (the JDK's): {@code /metrics} and whatever else registers a handler, such
 * as a dashboard. Requests run on two daemon threads, never on a stream thread. Closing stops it at
 * once.
 */
public final class HttpEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds every interface on {@code port} and starts serving (404 until a handler is added).
   *
   * @param port 0 for a free port
   * @throws UncheckedIOException when the port is taken, naming it
   */
  public static HttpEndpoint start(int port) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve metrics on port " + port + " (" + e.getMessage() + "); set metrics.port",
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "http-endpoint");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new HttpEndpoint(server, executor);
  }

  /**
   * Serves {@code path} and everything under it with {@code handler}; may be called while serving.
   *
   * @return this endpoint
   */
  public HttpEndpoint handle(String path, HttpHandler handler) {
    server.createContext(path, handler);
    return this;
  }

  /** The port it listens on (the one picked, for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address of {@code path} on this host, e.g. {@code http://localhost:9464/metrics}. */
  public String url(String path) {
    return "http://localhost:" + port() + path;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
