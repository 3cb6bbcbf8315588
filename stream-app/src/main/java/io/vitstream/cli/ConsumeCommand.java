package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vitstream consume}: pretty-prints a topic's records, read_committed. */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Print the records of a topic (predictions, dead-letters, images...).")
final class ConsumeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;

  @Option(
      names = "--topic",
      defaultValue = "predictions",
      description = "Topic (default ${DEFAULT-VALUE})")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the earliest offset")
  boolean fromBeginning;

  @Option(names = "--max", defaultValue = "0", description = "Stop after N records (0: never)")
  long max;

  @Option(
      names = "--idle-timeout-ms",
      defaultValue = "0",
      description = "Stop after this long without records (0: never)")
  long idleTimeoutMs;

  @Override
  public Integer call() {
    AppConfig config = options.load(Map.of());
    Map<String, Object> cfg = new HashMap<>(config.clientConfig());
    cfg.putIfAbsent(ConsumerConfig.GROUP_ID_CONFIG, "vitstream-consume-" + UUID.randomUUID());
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Records records = new Records();
    PrintWriter out = spec.commandLine().getOut();
    long seen = 0;
    long lastRecord = System.currentTimeMillis();
    try (var consumer =
        new KafkaConsumer<>(cfg, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while ((max == 0 || seen < max)
          && (idleTimeoutMs == 0 || System.currentTimeMillis() - lastRecord < idleTimeoutMs)) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          out.println(records.format(r.value()));
          lastRecord = System.currentTimeMillis();
          if (++seen == max) {
            break;
          }
        }
        out.flush();
      }
    }
    return 0;
  }
}
