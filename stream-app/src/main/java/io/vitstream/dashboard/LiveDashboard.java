package io.vitstream.dashboard;

import io.vitstream.demo.DemoWatch;
import io.vitstream.metrics.HttpEndpoint;

/**
 * The demo's dashboard: its state, served at {@code /} of the app's HTTP endpoint (the one of
 * {@code /metrics}), and the feed each demo run opens.
 */
public final class LiveDashboard {
  private final DashboardState state;
  private final HttpEndpoint endpoint;

  private LiveDashboard(DashboardState state, HttpEndpoint endpoint) {
    this.state = state;
    this.endpoint = endpoint;
  }

  /**
   * Serves an empty dashboard on {@code endpoint}, which stays the caller's to close.
   *
   * @param window labelled predictions per accuracy window
   */
  public static LiveDashboard serve(HttpEndpoint endpoint, int window) {
    DashboardState state = new DashboardState(window);
    Dashboard.register(endpoint, state);
    return new LiveDashboard(state, endpoint);
  }

  /** {@code http://localhost:PORT/}. */
  public String url() {
    return endpoint.url("/");
  }

  /** Feeds this dashboard from the demo's topics while the demo runs. */
  public DemoWatch watch() {
    return (c, images, driftAt) -> DashboardFeed.start(c, state, images, driftAt);
  }
}
