package io.vitstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BrokerProbeIT {

  /** A local port that nothing listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldFindTheBrokersOfARunningCluster() throws Exception {
    // Given a running broker
    try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
      var probe = new BrokerProbe(Map.of("bootstrap.servers", kafka.bootstrapServers()));

      // When it is probed, Then its one broker answers
      assertThat(probe.probe(Duration.ofSeconds(15))).isEqualTo(1);
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void shouldPrintAStatusLineEveryRoundUntilItGivesUp() throws Exception {
    // Given a closed port, probed in rounds of 1 s for 2.7 s
    String servers = "127.0.0.1:" + closedPort();
    var probe = new BrokerProbe(Map.of("bootstrap.servers", servers), Duration.ofSeconds(1));
    List<String> status = new ArrayList<>();

    // When it waits, Then two rounds report that it is still trying and the third gives up
    String line = "cannot reach Kafka at " + servers.replace(".", "\\.") + " after \\d s";
    assertThatThrownBy(() -> probe.await(Duration.ofMillis(2_700), status::add))
        .isInstanceOf(BrokerUnreachableException.class)
        .hasMessageMatching(line + " \\(connection refused\\)");
    assertThat(status)
        .hasSize(2)
        .allMatch(s -> s.matches(line + " \\(connection refused\\); still trying"));
  }
}
