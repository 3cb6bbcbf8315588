package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.app.ConfigKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every Kafka-facing command shares: a config file, and flags that override it. */
final class ConfigOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file: app keys (see README) and Kafka client settings")
  Path configFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka brokers (default: the file's, else localhost:9092)")
  String bootstrapServers;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any config key, overriding the file (repeatable)")
  Map<String, String> set = new LinkedHashMap<>();

  /** The frozen config: defaults, then the file, then {@code --set}, then named flags. */
  AppConfig load(Map<String, String> namedFlags) {
    return load(Map.of(), namedFlags);
  }

  /** The frozen config, with the command's own defaults under the file's values. */
  AppConfig load(Map<String, String> commandDefaults, Map<String, String> namedFlags) {
    Map<String, String> overrides = new HashMap<>(set);
    if (bootstrapServers != null) {
      overrides.put(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    }
    overrides.putAll(namedFlags);
    return AppConfig.load(commandDefaults, Optional.ofNullable(configFile), overrides);
  }
}
