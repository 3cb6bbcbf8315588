package io.vitstream.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys the Kafka clients know: Streams', the producer's, the consumer's and the admin client's
 * (security settings included), and Streams' prefixed forms ({@code producer.linger.ms}, {@code
 * topic.cleanup.policy}, ...), where the rest must be a key of that client or of a topic.
 */
public final class ClientKeys {
  private static final Set<String> PRODUCER = ProducerConfig.configNames();
  private static final Set<String> CONSUMER = ConsumerConfig.configNames();
  private static final Set<String> ADMIN = AdminClientConfig.configNames();
  private static final Set<String> NAMES = union();

  /** Streams' prefixes, each with the keys that may follow it. */
  private static final Map<String, Set<String>> PREFIXED =
      Map.of(
          StreamsConfig.PRODUCER_PREFIX, PRODUCER,
          StreamsConfig.CONSUMER_PREFIX, CONSUMER,
          StreamsConfig.MAIN_CONSUMER_PREFIX, CONSUMER,
          StreamsConfig.RESTORE_CONSUMER_PREFIX, CONSUMER,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX, CONSUMER,
          StreamsConfig.ADMIN_CLIENT_PREFIX, ADMIN,
          StreamsConfig.TOPIC_PREFIX, topicConfigs());

  /** Prefixes whose rest is free: rack tags and config providers' own settings. */
  private static final Set<String> OPEN_PREFIXES =
      Set.of(StreamsConfig.CLIENT_TAG_PREFIX, "config.providers.");

  private ClientKeys() {}

  /** Whether a Kafka client accepts the key. */
  public static boolean contains(String key) {
    if (NAMES.contains(key)) {
      return true;
    }
    if (OPEN_PREFIXES.stream().anyMatch(key::startsWith)) {
      return true;
    }
    return PREFIXED.entrySet().stream()
        .anyMatch(e -> key.startsWith(e.getKey()) && e.getValue().contains(rest(key, e.getKey())));
  }

  /**
   * The client keys a misspelling of {@code key} may have meant: every plain key, and for each of
   * Streams' prefixes that {@code key} starts with, that prefix before each key it allows.
   */
  public static Set<String> candidates(String key) {
    Set<String> c = new TreeSet<>(NAMES);
    PREFIXED.forEach(
        (prefix, names) -> {
          if (key.startsWith(prefix)) {
            names.forEach(n -> c.add(prefix + n));
          }
        });
    return c;
  }

  private static String rest(String key, String prefix) {
    return key.substring(prefix.length());
  }

  private static Set<String> union() {
    Set<String> s = new TreeSet<>(StreamsConfig.configDef().names());
    s.addAll(PRODUCER);
    s.addAll(CONSUMER);
    s.addAll(ADMIN);
    return Set.copyOf(s);
  }

  /** TopicConfig's {@code *_CONFIG} constants: the keys a topic accepts. */
  private static Set<String> topicConfigs() {
    Set<String> s = new TreeSet<>();
    for (Field f : TopicConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && f.getName().endsWith("_CONFIG")) {
        try {
          s.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Set.copyOf(s);
  }
}
