package io.vitstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {
  @Test
  void shouldLayerDefaultsThenFileThenFlagsAndPassClientKeysThrough(@TempDir Path dir)
      throws Exception {
    // Given a file with app keys and security settings
    Path file = dir.resolve("app.properties");
    Files.writeString(
        file,
        "max.batch.size=8\n"
            + "max.batch.delay.ms=50\n"
            + "bootstrap.servers=file:9092\n"
            + "security.protocol=SASL_SSL\n"
            + "sasl.mechanism=PLAIN\n");

    // When flags override one of them
    AppConfig c = AppConfig.load(Optional.of(file), Map.of("bootstrap.servers", "flag:9092"));

    // Then the layers apply in order, and unknown keys reach the Kafka clients
    assertThat(c.bootstrapServers()).isEqualTo("flag:9092");
    assertThat(c.inference().batch().maxBatchSize()).isEqualTo(8);
    assertThat(c.inference().batch().maxDelay()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(c.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .doesNotContainKey("max.batch.size");
    assertThat(c.clientConfig()).containsEntry("bootstrap.servers", "flag:9092");
    Properties streams = InferenceService.streamsProperties(c);
    assertThat(streams.get("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(streams.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
        .isEqualTo("dead-letters");
    assertThat(streams.get("producer.batch.size")).isEqualTo(262_144);
  }

  @Test
  void shouldCommitTheFeedbackLoopLessOftenThanInferenceUnlessTold() {
    AppConfig c = AppConfig.load(Optional.empty(), Map.of());
    AppConfig told = AppConfig.load(Optional.empty(), Map.of("commit.interval.ms", "50"));
    AppConfig atLeastOnce =
        AppConfig.load(Optional.empty(), Map.of("processing.guarantee", "at_least_once"));

    assertThat(InferenceService.streamsProperties(c).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(InferenceService.COMMIT_INTERVAL_MS);
    assertThat(feedbackCommitInterval(c)).isEqualTo(FeedbackService.COMMIT_INTERVAL_MS);
    assertThat(FeedbackService.COMMIT_INTERVAL_MS)
        .isGreaterThan(InferenceService.COMMIT_INTERVAL_MS);
    assertThat(feedbackCommitInterval(told)).isEqualTo("50");
    assertThat(feedbackCommitInterval(atLeastOnce)).as("Streams' own default").isNull();
  }

  private static Object feedbackCommitInterval(AppConfig c) {
    return FeedbackService.streamsProperties(c, FeedbackChild.settings(c))
        .get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
  }

  @Test
  void shouldSizeIntraOpThreadsFromTheStreamThreadsAndRefuseBadValues() {
    int cores = Runtime.getRuntime().availableProcessors();
    AppConfig c = AppConfig.load(Optional.empty(), Map.of("num.stream.threads", "2"));
    assertThat(c.intraOpThreads()).isEqualTo(Math.max(1, (cores - 1) / 2));

    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of("max.batch.size", "x")))
        .hasMessageContaining("max.batch.size=x: must be an integer");
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("processing.guarantee", "exactly_once")))
        .hasMessageContaining("processing.guarantee");
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of("model.device", "tpu")))
        .hasMessageContaining("model.device");
  }

  @Test
  void shouldReportEveryBadValueAtOnceOneLineEach() {
    // Given four bad values, one a parse error and three out of range
    Map<String, String> bad =
        Map.of(
            "num.stream.threads", "0",
            "max.batch.size", "100000",
            "model.preprocessing.std", "0",
            "inference.top.k", "three");

    // When the config is loaded
    Throwable thrown = catchThrowable(() -> AppConfig.load(Optional.empty(), bad));

    // Then one exception lists all four, in declaration order, each naming key, value and range
    assertThat(thrown).isInstanceOf(ConfigException.class);
    assertThat(((ConfigException) thrown).errors())
        .containsExactly(
            "num.stream.threads=0: must be an integer >= 1",
            "max.batch.size=100000: must be an integer in [1, 1024]",
            "inference.top.k=three: must be an integer >= 1",
            "model.preprocessing.std=0: must be a comma-separated list of numbers > 0");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "inference.intra.op.threads | -1    | an integer >= 0",
        "max.batch.size             | 0     | an integer in [1, 1024]",
        "max.batch.size             | 1025  | an integer in [1, 1024]",
        "max.batch.delay.ms         | 0     | an integer >= 1",
        "image.max.bytes            | 0     | an integer >= 1",
        "image.max.side             | 0     | an integer >= 1",
        "topic.partitions           | 0     | an integer >= 1",
        "topic.create               | yes   | true or false",
        "topic.images               | a b   | a topic name: 1 to 249 characters from [a-zA-Z0-9._-]",
        "processing.guarantee       | exactly_once | one of exactly_once_v2, at_least_once",
        "model.device               | tpu   | one of cpu, gpu",
        "model.precision            | bf16  | fp32 or fp16",
        "model.version              | -1    | an integer >= 0",
        "model.preprocessing.mean   | 0.5,x | a comma-separated list of numbers",
        "model.preprocessing.std    | 0.5,-1 | a comma-separated list of numbers > 0",
        "feedback.trigger.accuracy.drop | 0 | a number in (0, 1]",
        "feedback.holdout.fraction  | 1     | a number in [0, 1)",
        "feedback.gate.margin       | 1.5   | a number in [0, 1]",
        "feedback.gate.tolerance    | -0.1  | a number in [0, 1]",
        "feedback.rollback.drop     | NaN   | a number in [0, 1]",
        "finetune.rehearsal.distill | 2     | a number in [0, 1]",
        "finetune.learning.rate     | 0     | a number > 0",
        "finetune.optimizer         | adam  | one of adamw, sgd",
        "bootstrap.servers          | localhost | host:port[,host:port...]",
        "broker.wait.s              | -1    | an integer >= 0",
      })
  void shouldRefuseAValueOutsideItsRange(String key, String value, String expected) {
    // Given / When / Then
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(key + "=" + value + ": must be " + expected);
  }

  @Test
  void shouldAcceptEveryDefaultAndTheBoundsOfEachRange() {
    // Given every declared default
    for (ConfigKey key : ConfigKeys.ALL) {
      assertThat(key.parse(key.defaultValue())).as(key.name()).isPresent();
    }

    // When the bounds themselves are set
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(
                "max.batch.size", "1024",
                "inference.intra.op.threads", "0",
                "feedback.holdout.fraction", "0",
                "feedback.gate.tolerance", "1",
                "model.preprocessing.mean", "0.485, 0.456, 0.406",
                "model.preprocessing.std", "0.229, 0.224, 0.225",
                "model.device", "GPU",
                "model.precision", "fp16"));

    // Then they are accepted
    assertThat(c.inference().batch().maxBatchSize()).isEqualTo(1024);
    assertThat(c.model().std()).containsExactly(0.229f, 0.224f, 0.225f);
    assertThat(c.model().device()).isEqualTo("gpu");
  }

  @Test
  void shouldRefuseValuesThatContradictEachOther() {
    // Given three means and one std, fp16 on the CPU, and a minimum above the trigger count
    Map<String, String> bad =
        Map.of(
            "model.preprocessing.mean", "0.485,0.456,0.406",
            "model.preprocessing.std", "0.25",
            "model.precision", "fp16",
            "feedback.trigger.labels", "10",
            "feedback.trigger.min.labels", "50");

    // When / Then each pair is reported
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), bad))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "model.preprocessing.mean has 3 values and model.preprocessing.std has 1:"
                            + " give one per channel in both",
                        "model.precision=fp16: fp16 needs model.device=gpu; use fp32 on the CPU",
                        "feedback.trigger.min.labels=50: must be at most feedback.trigger.labels"
                            + " (10)"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "max.batch.sise          | did you mean max.batch.size?",
        "feedback.trigger.lables | did you mean feedback.trigger.labels?",
        "topic.imagse            | did you mean topic.images?",
        "num.streams.threads     | did you mean num.stream.threads?",
        "producer.linger.msx     | did you mean producer.linger.ms?",
        "sasl.mechanizm          | did you mean sasl.mechanism?",
        "colour                  | not a vitstream key (see README) nor a Kafka client key",
      })
  void shouldRefuseAnUnknownKeyAndSuggestTheClosest(String key, String hint) {
    // Given / When / Then
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), Map.of(key, "64")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown key " + key + "=64: " + hint);
  }

  @Test
  void shouldPassKafkaClientKeysAndStreamsPrefixesThrough() {
    // Given client keys, plain and with each of Streams' prefixes
    Map<String, String> keys =
        Map.of(
            "ssl.truststore.location", "/etc/kafka/truststore.jks",
            "sasl.jaas.config", "x required;",
            "state.dir", "/tmp/state",
            "default.api.timeout.ms", "5000",
            "producer.compression.type", "lz4",
            "main.consumer.max.poll.records", "100",
            "restore.consumer.fetch.max.bytes", "1048576",
            "admin.retries", "3",
            "topic.min.insync.replicas", "2",
            "client.tag.zone", "eu-1");

    // When / Then they are accepted and reach the clients unchanged
    assertThat(AppConfig.load(Optional.empty(), keys).clientProperties())
        .containsAllEntriesOf(keys);
  }
}
