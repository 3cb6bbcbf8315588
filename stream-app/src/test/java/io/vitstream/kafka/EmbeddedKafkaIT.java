package io.vitstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

  @Test
  void shouldStartQuicklyCreateTheTopicsAndKeepDataAcrossARestart(@TempDir Path dir)
      throws Exception {
    // Given a broker started on a data directory
    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.at(0, dir).start()) {
      double startup = (System.nanoTime() - t0) / 1e9;
      System.out.printf("embedded broker startup: %.2f s%n", startup);
      assertThat(startup).isLessThan(20); // the target is < 10 s on an idle machine

      // When the app's topics are created, twice
      try (Admin admin = admin(kafka)) {
        assertThat(TopicAdmin.createMissing(admin, TopicNames.defaults(), 2))
            .containsExactlyInAnyOrderElementsOf(TopicNames.defaults().all());
        assertThat(TopicAdmin.createMissing(admin, TopicNames.defaults(), 2)).isEmpty();

        // Then model-versions is compacted
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, TopicNames.MODEL_VERSIONS);
        ConfigEntry policy =
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("compact");
      }
      try (var producer = producer(kafka)) {
        producer.send(new ProducerRecord<>(TopicNames.FEEDBACK, "k", "v")).get();
      }
    }

    // And a restart on the same directory still has the record
    try (EmbeddedKafka kafka = EmbeddedKafka.at(0, dir).start();
        var consumer = consumer(kafka)) {
      consumer.subscribe(List.of(TopicNames.FEEDBACK));
      List<String> values = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (values.isEmpty() && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
      assertThat(values).containsExactly("v");
    }
  }

  private static Admin admin(EmbeddedKafka kafka) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(),
        new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "it",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
