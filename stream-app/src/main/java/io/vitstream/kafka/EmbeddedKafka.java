package io.vitstream.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM. It
 * formats its data directory on first use, starts, and returns from {@link #start()} only once the
 * broker answers {@code describeCluster}.
 *
 * <p>The client listener is PLAINTEXT, or SASL_PLAINTEXT with SASL/PLAIN for one user ({@link
 * #withSaslPlain}); the controller listener stays PLAINTEXT on a port that is not advertised.
 *
 * <p>It uses Kafka's internal server classes ({@code KafkaRaftServer}, {@code StorageTool}), which
 * carry no compatibility promise; the fallback on an upgrade that breaks them is the CLI main
 * classes in a child process.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /** Large enough for any image the decoder accepts (8 MiB by default), plus the envelope. */
  public static final int MAX_MESSAGE_BYTES = 16 << 20;

  /**
   * Transactions v1. With v2 (4.4's default) the exactly-once Streams producer kept hitting
   * OUT_OF_ORDER_SEQUENCE_NUMBER and CONCURRENT_TRANSACTIONS retries on this machine.
   */
  static final int TRANSACTION_VERSION = 1;

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final int requestedPort;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final Optional<SaslPlain> sasl;
  private KafkaRaftServer server;
  private String bootstrapServers;

  private EmbeddedKafka(int port, Path dataDir, boolean ownsDataDir, Optional<SaslPlain> sasl) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    this.requestedPort = port;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.sasl = sasl;
  }

  /** A broker on a free port with a temporary data directory, deleted on close. */
  public static EmbeddedKafka onFreePort() {
    try {
      return new EmbeddedKafka(
          0, Files.createTempDirectory("vitstream-kafka-"), true, Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A broker on a given port (0 picks a free one), keeping its data in {@code dataDir} across
   * restarts.
   *
   * @param dataDir created if missing; may not be null
   */
  public static EmbeddedKafka at(int port, Path dataDir) {
    return new EmbeddedKafka(port, dataDir, false, Optional.empty());
  }

  /**
   * This broker, not yet started, with a SASL_PLAINTEXT client listener instead of PLAINTEXT: it
   * accepts SASL/PLAIN logins of {@code user} only, and brokers talk to each other as that user.
   * Clients need {@link #clientProperties()}.
   */
  public EmbeddedKafka withSaslPlain(SaslPlain user) {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    return new EmbeddedKafka(requestedPort, dataDir, ownsDataDir, Optional.of(user));
  }

  /**
   * Formats the data directory if needed, starts the broker and waits until it serves requests.
   *
   * @return this, started
   * @throws IllegalStateException if the broker does not become ready within a minute
   */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      int port = requestedPort == 0 ? freePort() : requestedPort;
      int controllerPort = freePort();
      while (controllerPort == port) { // two free ports in a row can be the same one
        controllerPort = freePort();
      }
      Path logs = dataDir.resolve("logs");
      Files.createDirectories(logs);
      Properties props = serverProperties(port, controllerPort, logs, sasl);
      Path cfg = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(cfg)) {
        props.store(out, "vitstream embedded broker");
      }
      if (!Files.exists(logs.resolve("meta.properties"))) {
        format(cfg);
      }
      server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      server.startup();
      bootstrapServers = "localhost:" + port;
      awaitReady();
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot start the embedded broker in " + dataDir, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** {@code host:port} of the client listener (PLAINTEXT or SASL_PLAINTEXT). */
  public String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("not started");
    }
    return bootstrapServers;
  }

  /**
   * What a client needs besides {@code bootstrap.servers}: nothing for PLAINTEXT, the SASL login
   * for SASL_PLAINTEXT.
   */
  public Map<String, String> clientProperties() {
    return sasl.map(SaslPlain::clientProperties).orElse(Map.of());
  }

  /** The directory that holds the broker's logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  static Properties serverProperties(
      int port, int controllerPort, Path logs, Optional<SaslPlain> sasl) {
    String listener = sasl.isPresent() ? "SASL_PLAINTEXT" : "PLAINTEXT";
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@localhost:" + controllerPort),
            Map.entry(
                "listeners",
                listener + "://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort),
            Map.entry("advertised.listeners", listener + "://localhost:" + port),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", listener),
            Map.entry(
                "listener.security.protocol.map",
                listener + ":" + listener + ",CONTROLLER:PLAINTEXT"),
            Map.entry("log.dirs", logs.toAbsolutePath().toString()),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES)),
            Map.entry("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES))));
    sasl.ifPresent(
        user -> {
          p.put("sasl.enabled.mechanisms", "PLAIN");
          p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
          p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", user.brokerJaasConfig());
        });
    return p;
  }

  private static void format(Path cfg) {
    String[] args = {
      "format",
      "-t",
      Uuid.randomUuid().toString(),
      "-c",
      cfg.toString(),
      "--feature",
      "transaction.version=" + TRANSACTION_VERSION
    };
    // not StorageTool.main: it exits the JVM
    int rc = StorageTool.execute(args, new PrintStream(OutputStream.nullOutputStream()));
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting " + cfg.getParent() + " failed (exit " + rc + ")");
    }
  }

  private void awaitReady() {
    Map<String, Object> cfg = new HashMap<>(clientProperties());
    cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(cfg)) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the embedded broker did not become ready", e);
          }
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Stops the broker (a few seconds) and deletes a temporary data directory. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
    if (ownsDataDir) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
