package io.vitstream.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the app's topics that do not exist yet; existing topics are left as they are. */
public final class TopicAdmin {
  private TopicAdmin() {}

  /**
   * Creates the missing topics. model-versions and model-artifacts are compacted; the others use
   * the broker's cleanup policy. Replication uses the broker's default.
   *
   * @param admin a connected admin client; may not be null
   * @param partitions partitions of each new topic (model-versions and model-artifacts always get
   *     1, so that the latest version per model is totally ordered and a version's header follows
   *     its chunks; feedback always gets 1, so that one task trains)
   * @return the names of the topics created by this call
   */
  public static List<String> createMissing(Admin admin, TopicNames names, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> create = new ArrayList<>();
      for (String name : names.all()) {
        if (existing.contains(name)) {
          continue;
        }
        boolean compacted =
            name.equals(names.modelVersions()) || name.equals(names.modelArtifacts());
        boolean single = compacted || name.equals(names.feedback());
        NewTopic topic = new NewTopic(name, Optional.of(single ? 1 : partitions), Optional.empty());
        if (compacted) {
          topic.configs(
              Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        create.add(topic);
      }
      return create(admin, create);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * Creates a one-partition topic with these configs unless it exists.
   *
   * @return whether this call created it
   */
  public static boolean createSinglePartition(
      Admin admin, String topic, Map<String, String> configs) {
    try {
      if (admin.listTopics().names().get().contains(topic)) {
        return false;
      }
      NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs);
      return !create(admin, List.of(t)).isEmpty();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * The partitions of an existing topic.
   *
   * @throws IllegalStateException when it does not exist or cannot be described
   */
  public static int partitions(Admin admin, String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing " + topic, e);
    }
  }

  /**
   * Refuses a topic with more than one partition.
   *
   * @throws IllegalStateException naming the topic, its partitions and why it needs one
   */
  public static void requireSinglePartition(Admin admin, String topic, String why) {
    int n = partitions(admin, topic);
    if (n != 1) {
      throw new IllegalStateException(
          "topic " + topic + " has " + n + " partitions; it needs exactly 1 (" + why + ")");
    }
  }

  private static List<String> create(Admin admin, List<NewTopic> create)
      throws ExecutionException, InterruptedException {
    List<String> created = new ArrayList<>();
    for (var e : admin.createTopics(create).values().entrySet()) {
      try {
        e.getValue().get();
        created.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) { // lost a race: fine
          throw ex;
        }
      }
    }
    return created;
  }

  /**
   * The smallest {@code max.message.bytes} of these topics, or empty when it cannot be read (a
   * topic is missing, or describing configs is not allowed).
   */
  public static OptionalInt maxMessageBytes(Admin admin, Collection<String> topics) {
    List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    try {
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      return configs.values().stream()
          .map(c -> c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG))
          .filter(e -> e != null && e.value() != null)
          .mapToInt(e -> Integer.parseInt(e.value()))
          .min();
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }
}
