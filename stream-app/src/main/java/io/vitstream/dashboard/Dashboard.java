package io.vitstream.dashboard;

import com.google.gson.Gson;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vitstream.metrics.HttpEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The dashboard's HTTP handlers, mounted on the app's {@link HttpEndpoint} next to {@code
 * /metrics}: the page at {@code /} with its script and style from the class path, and {@code
 * /api/state}, the state as JSON (the page polls it every second).
 */
public final class Dashboard {
  static final Map<String, String> FILES =
      Map.of(
          "/", "text/html; charset=utf-8",
          "/dashboard.js", "text/javascript; charset=utf-8",
          "/dashboard.css", "text/css; charset=utf-8");

  private static final Gson GSON = new Gson();

  private Dashboard() {}

  /**
   * Serves {@code /} and {@code /api/state} on {@code endpoint}; more specific paths, such as
   * {@code /metrics}, keep their own handlers.
   *
   * @param state what to show; may not be null
   */
  public static void register(HttpEndpoint endpoint, DashboardState state) {
    endpoint
        .handle("/", new StaticFiles())
        .handle("/api/state", new StateJson(state, System::currentTimeMillis));
  }

  /** The page, its script and style. */
  static final class StaticFiles implements HttpHandler {
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        String type = FILES.get(path.equals("/index.html") ? "/" : path);
        if (!isRead(exchange)) {
          send(
              exchange, 405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
        } else if (type == null) {
          send(exchange, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
        } else {
          String name = path.equals("/") || path.equals("/index.html") ? "/index.html" : path;
          send(exchange, 200, type, cache.computeIfAbsent(name, StaticFiles::resource));
        }
      }
    }

    private static byte[] resource(String name) {
      try (InputStream in = Dashboard.class.getResourceAsStream(name.substring(1))) {
        if (in == null) {
          throw new IllegalStateException("missing dashboard resource " + name);
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The state as JSON. */
  static final class StateJson implements HttpHandler {
    private final DashboardState state;
    private final LongSupplier clock;

    StateJson(DashboardState state, LongSupplier clock) {
      this.state = state;
      this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        if (!isRead(exchange)) {
          send(
              exchange, 405, "text/plain", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
          return;
        }
        byte[] body = json(state.snapshot(clock.getAsLong())).getBytes(StandardCharsets.UTF_8);
        send(exchange, 200, "application/json", body);
      }
    }
  }

  /** The snapshot as {@code /api/state} sends it. */
  static String json(Snapshot snapshot) {
    return GSON.toJson(snapshot);
  }

  private static boolean isRead(HttpExchange exchange) {
    String m = exchange.getRequestMethod();
    return m.equals("GET") || m.equals("HEAD");
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
