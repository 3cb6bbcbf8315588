package io.vitstream.cli;

import io.vitstream.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream broker}: a single-node KRaft broker in this JVM, until Ctrl-C. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Run a local single-node Kafka broker (KRaft) until stopped with Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", defaultValue = "9092", description = "PLAINTEXT port (default 9092)")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "kafka-data",
      description = "Logs and metadata, kept across restarts (default ./kafka-data)")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    long t0 = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.at(port, dataDir).start();
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
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }
}
