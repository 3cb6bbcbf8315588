package io.vitstream.cli;

import io.vitstream.app.ConfigKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The serving flags that {@code run} and {@code demo} share; each overrides one config key. */
final class ServingOptions {
  @Option(names = "--checkpoint", paramLabel = "DIR", description = "Checkpoint folder to serve")
  Path checkpoint;

  @Option(names = "--max-batch-size", description = "Images per forward pass (default 32)")
  Integer maxBatchSize;

  @Option(names = "--max-batch-delay-ms", description = "Longest wait for a batch (default 20)")
  Integer maxBatchDelayMs;

  @Option(names = "--device", description = "cpu or gpu (default cpu)")
  String device;

  /** The given flags as config keys and values. */
  Map<String, String> flags() {
    Map<String, String> m = new HashMap<>();
    if (checkpoint != null) {
      m.put(ConfigKeys.MODEL_CHECKPOINT.name(), checkpoint.toString());
    }
    if (maxBatchSize != null) {
      m.put(ConfigKeys.MAX_BATCH_SIZE.name(), maxBatchSize.toString());
    }
    if (maxBatchDelayMs != null) {
      m.put(ConfigKeys.MAX_BATCH_DELAY_MS.name(), maxBatchDelayMs.toString());
    }
    if (device != null) {
      m.put(ConfigKeys.MODEL_DEVICE.name(), device);
    }
    return m;
  }
}
