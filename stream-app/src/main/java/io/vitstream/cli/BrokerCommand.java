package io.vitstream.cli;

import io.vitstream.kafka.EmbeddedKafka;
import io.vitstream.kafka.EmbeddedKafkaCluster;
import io.vitstream.kafka.SaslPlain;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vitstream broker}: a single-node KRaft broker in this JVM, or with {@code --nodes N} a
 * cluster of N brokers (replication N, {@code min.insync.replicas} N-1), until Ctrl-C.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Run a local single-node Kafka broker (KRaft), or a cluster of --nodes brokers, until"
            + " stopped with Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Client listener port (default 9092)")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "kafka-data",
      description = "Logs and metadata, kept across restarts (default ./kafka-data)")
  Path dataDir;

  @Option(
      names = "--sasl-plain",
      paramLabel = "USER:PASSWORD",
      converter = SaslPlainConverter.class,
      description =
          "Listen with SASL_PLAINTEXT and accept this SASL/PLAIN user only (a local trial of"
              + " security settings; the password is stored in DIR/server.properties)")
  SaslPlain sasl;

  @Option(
      names = "--nodes",
      defaultValue = "1",
      description =
          "Brokers (default 1). From 2 on: one cluster on free ports, replication factor N,"
              + " min.insync.replicas N-1, its data in a temporary folder deleted on exit")
  int nodes;

  @Override
  public Integer call() throws InterruptedException {
    if (nodes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be >= 1");
    }
    if (nodes > 1) {
      if (sasl != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--sasl-plain works with a single node only");
      }
      return cluster();
    }
    long t0 = System.nanoTime();
    EmbeddedKafka broker = EmbeddedKafka.at(port, dataDir);
    EmbeddedKafka kafka = (sasl == null ? broker : broker.withSaslPlain(sasl)).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "broker-shutdown"));
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "broker: listening on %s (data in %s), started in %.1f s; Ctrl-C stops it%n",
            kafka.bootstrapServers(),
            dataDir.toAbsolutePath(),
            (System.nanoTime() - t0) / 1e9);
    if (sasl != null) {
      spec.commandLine()
          .getOut()
          .printf(
              "broker: SASL_PLAINTEXT, SASL/PLAIN user %s; clients need in their --config file:%n",
              sasl.user());
      kafka
          .clientProperties()
          .forEach((k, v) -> spec.commandLine().getOut().printf("  %s=%s%n", k, v));
    }
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  private int cluster() throws InterruptedException {
    long t0 = System.nanoTime();
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.of(nodes).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cluster.close();
                  stopped.countDown();
                },
                "broker-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    String[] servers = cluster.bootstrapServers().split(",");
    for (int node = 1; node <= servers.length; node++) {
      out.printf(
          Locale.ROOT,
          "broker: node %d listening on %s%s%n",
          node,
          servers[node - 1],
          node == 1 ? " (also the controller)" : "");
    }
    out.printf(
        Locale.ROOT,
        "broker: %d nodes, replication factor %d, min.insync.replicas %d, started in %.1f s;"
            + " --bootstrap-servers %s; Ctrl-C stops it%n",
        nodes,
        nodes,
        nodes - 1,
        (System.nanoTime() - t0) / 1e9,
        cluster.bootstrapServers());
    out.flush();
    stopped.await();
    return 0;
  }

  /** Turns a bad {@code USER:PASSWORD} into picocli's one-line parameter error. */
  static final class SaslPlainConverter implements CommandLine.ITypeConverter<SaslPlain> {
    @Override
    public SaslPlain convert(String value) {
      try {
        return SaslPlain.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
