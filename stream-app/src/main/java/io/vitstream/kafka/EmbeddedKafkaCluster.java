package io.vitstream.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Several KRaft brokers in this JVM, one cluster: node 1 is broker and the (only) controller, the
 * others are brokers. Topics are replicated to every broker by default, with {@code
 * min.insync.replicas} one less, so any one broker but the controller can stop without losing an
 * acknowledged record or refusing {@code acks=all} writes.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
  private final int size;
  private final Path dataDir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final List<KafkaRaftServer> servers = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  private EmbeddedKafkaCluster(int size, Path dataDir) {
    if (size < 2) {
      throw new IllegalArgumentException("a cluster needs at least 2 brokers, got " + size);
    }
    this.size = size;
    this.dataDir = dataDir;
  }

  /** {@code size} brokers on free ports, their data in a temporary directory deleted on close. */
  public static EmbeddedKafkaCluster of(int size) {
    try {
      return new EmbeddedKafkaCluster(size, Files.createTempDirectory("vitstream-cluster-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Formats and starts every broker, then waits until all of them are in the cluster. */
  public EmbeddedKafkaCluster start() {
    try {
      int controllerPort = freePort();
      while (ports.size() < size) { // two free ports in a row can be the same one
        int port = freePort();
        if (port != controllerPort && !ports.contains(port)) {
          ports.add(port);
        }
      }
      for (int node = 1; node <= size; node++) {
        Properties props = properties(node, controllerPort);
        Path cfg = dataDir.resolve("node-" + node + ".properties");
        try (OutputStream out = Files.newOutputStream(cfg)) {
          props.store(out, "vitstream embedded cluster node " + node);
        }
        format(cfg);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        servers.add(server);
      }
      awaitBrokers(size);
      awaitReplication();
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Properties properties(int node, int controllerPort) {
    Path logs = dataDir.resolve("node-" + node);
    int port = ports.get(node - 1);
    Properties p = EmbeddedKafka.serverProperties(port, controllerPort, logs, Optional.empty());
    p.put("node.id", Integer.toString(node));
    if (node > 1) {
      p.put("process.roles", "broker");
      p.put("listeners", "PLAINTEXT://localhost:" + port);
    }
    String replicas = Integer.toString(size);
    String minIsr = Integer.toString(size - 1);
    p.put("default.replication.factor", replicas);
    p.put("min.insync.replicas", minIsr);
    p.put("offsets.topic.replication.factor", replicas);
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("share.coordinator.state.topic.replication.factor", replicas);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    return p;
  }

  private void format(Path cfg) {
    String[] args = {
      "format",
      "-t",
      clusterId,
      "-c",
      cfg.toString(),
      "--feature",
      "transaction.version=" + EmbeddedKafka.TRANSACTION_VERSION
    };
    int rc = StorageTool.execute(args, new PrintStream(OutputStream.nullOutputStream()));
    if (rc != 0) {
      throw new IllegalStateException("formatting " + cfg + " failed (exit " + rc + ")");
    }
  }

  /** Every broker's {@code host:port}, the stopped ones included. */
  public String bootstrapServers() {
    return ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
  }

  /**
   * Stops broker {@code node} (2 up to the size: node 1 is the controller) and waits until the
   * cluster no longer lists it.
   */
  public void stopBroker(int node) {
    if (node < 2 || node > size) {
      throw new IllegalArgumentException("can stop brokers 2 to " + size + ", not " + node);
    }
    KafkaRaftServer server = servers.get(node - 1);
    server.shutdown();
    server.awaitShutdown();
    awaitBrokers(size - 1);
  }

  /**
   * Writes with {@code acks=all} to a probe topic led by every broker in turn, so that the cluster
   * is known to replicate before a caller creates its topics: a follower that fails a partition of
   * a broker that had only just joined would otherwise shrink its ISR below {@code
   * min.insync.replicas} and refuse every write to it. Deletes the probe afterwards.
   *
   * @throws IllegalStateException when a write is not acknowledged within 30 s
   */
  private void awaitReplication() {
    String probe = "vitstream-cluster-probe";
    Map<String, Object> client = Map.of("bootstrap.servers", bootstrapServers());
    try (Admin admin = Admin.create(client);
        var producer =
            new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.<String, Object>of(
                    "bootstrap.servers",
                    bootstrapServers(),
                    "acks",
                    "all",
                    "delivery.timeout.ms",
                    30_000,
                    "request.timeout.ms",
                    10_000),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic(probe, size, (short) size)))
          .all()
          .get(30, TimeUnit.SECONDS);
      for (int partition = 0; partition < size; partition++) {
        producer
            .send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    probe, partition, null, new byte[] {1}))
            .get(30, TimeUnit.SECONDS);
      }
      admin.deleteTopics(List.of(probe)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the cluster does not replicate: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing the cluster", e);
    }
  }

  /** Polls the cluster's broker list until it has {@code n} brokers, for at most a minute. */
  private void awaitBrokers(int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int seen = -1;
    String lastError = "";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      while (System.nanoTime() < deadline) {
        try {
          seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
          if (seen == n) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastError = "; last error: " + e.getMessage();
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + n + " brokers", e);
    }
    throw new IllegalStateException(
        "the cluster did not list "
            + n
            + " brokers within 60 s (last seen "
            + seen
            + lastError
            + ")");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Stops the brokers, the controller last, and deletes the data. */
  @Override
  public void close() {
    for (int i = servers.size() - 1; i >= 0; i--) {
      try {
        servers.get(i).shutdown();
        servers.get(i).awaitShutdown();
      } catch (RuntimeException e) {
        // already stopped
      }
    }
    servers.clear();
    try (Stream<Path> walk = Files.walk(dataDir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
