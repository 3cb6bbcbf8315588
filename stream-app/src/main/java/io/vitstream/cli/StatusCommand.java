package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.kafka.BrokerProbe;
import io.vitstream.status.ClusterStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code vitstream status}: the model served, consumer lag and dead letters, from the topics. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Print the model version served (model-versions), the inference group's lag per partition"
            + " of the images topic, and the dead letters by stage, read from Kafka alone.")
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    AppConfig config = options.load(Map.of());
    PrintWriter err = spec.commandLine().getErr();
    // one round at most: a status that waits for ever tells nothing
    Duration wait = config.brokerWait().isZero() ? BrokerProbe.ROUND : config.brokerWait();
    new BrokerProbe(config.clientConfig()).await(wait, line -> err.println("vitstream: " + line));
    var report =
        new ClusterStatus(
                config.clientConfig(),
                config.inference().topics(),
                config.applicationId(),
                Duration.ofSeconds(30))
            .read();
    PrintWriter out = spec.commandLine().getOut();
    report.lines().forEach(out::println);
    out.flush();
    return 0;
  }
}
