package io.vitstream.app;

import io.vitstream.artifact.ArtifactCache;
import io.vitstream.artifact.ArtifactException;
import io.vitstream.artifact.ArtifactPublisher;
import io.vitstream.kafka.TopicAdmin;
import io.vitstream.store.ModelStore;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the local model store in line with the artifact topic before {@code vitstream run} loads
 * its model. When the topic records a promoted version of the model, that version is fetched (if
 * the store lacks it) and promoted in the store: a fresh instance with an empty store serves what
 * the cluster serves. When the topic records none, the store's promoted version, if any, is
 * published there, so that instances started later find it. Without the topic (an older cluster and
 * {@code topic.create=false}) nothing happens but a warning.
 */
public final class ModelBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBootstrap.class);

  private ModelBootstrap() {}

  /**
   * @throws io.vitstream.artifact.ArtifactException when the topic's promoted version cannot be
   *     fetched, or the store's cannot be published
   */
  public static void prepare(AppConfig config, ModelStore store) {
    String topic = config.artifacts().topic();
    try (Admin admin = Admin.create(config.clientConfig())) {
      if (config.createTopics()) {
        TopicAdmin.createMissing(admin, config.inference().topics(), config.topicPartitions());
      }
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        LOG.warn("topic {} is missing: model versions are not shared through Kafka", topic);
        return;
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new ArtifactException("cannot list the topics: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArtifactException("interrupted while listing the topics", e);
    }
    String name = config.model().name();
    var cache = new ArtifactCache(store, config.clientConfig(), config.artifacts());
    OptionalInt onTopic = cache.syncPromoted(name);
    OptionalInt local = store.promoted(name);
    if (onTopic.isEmpty() && local.isPresent()) {
      try (var publisher = new ArtifactPublisher(config.clientConfig(), config.artifacts())) {
        publisher.publish(store, name, local.getAsInt());
        publisher.promote(name, local.getAsInt());
      }
      LOG.info(
          "{} had no promoted {}: published {}:{} from {}",
          topic,
          name,
          name,
          local.getAsInt(),
          store.root());
    }
  }
}
