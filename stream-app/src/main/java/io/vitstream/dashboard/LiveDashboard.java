package io.vitstream.dashboard;

import io.vitstream.app.DemoWatch;
import java.io.IOException;
import java.net.URI;

/** The demo's dashboard: the state, its own HTTP server, and the feed each demo run opens. */
public final class LiveDashboard implements AutoCloseable {
  private final DashboardState state;
  private final DashboardServer server;

  private LiveDashboard(DashboardState state, DashboardServer server) {
    this.state = state;
    this.server = server;
  }

  /**
   * Serves an empty dashboard.
   *
   * @param port 0 for a free one
   * @param window labelled predictions per accuracy window
   */
  public static LiveDashboard start(int port, int window) throws IOException {
    DashboardState state = new DashboardState(window);
    return new LiveDashboard(state, DashboardServer.start(port, state));
  }

  public URI url() {
    return server.url();
  }

  /** Feeds this dashboard from the demo's topics while the demo runs. */
  public DemoWatch watch() {
    return (c, images, driftAt) -> DashboardFeed.start(c, state, images, driftAt);
  }

  @Override
  public void close() {
    server.close();
  }
}
