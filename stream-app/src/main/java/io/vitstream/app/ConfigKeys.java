package io.vitstream.app;

import static io.vitstream.app.ConfigType.BOOLEAN;
import static io.vitstream.app.ConfigType.INT;
import static io.vitstream.app.ConfigType.LIST;
import static io.vitstream.app.ConfigType.STRING;
import static io.vitstream.app.Validator.any;
import static io.vitstream.app.Validator.atLeast;
import static io.vitstream.app.Validator.between;
import static io.vitstream.app.Validator.greaterThan;
import static io.vitstream.app.Validator.hostPorts;
import static io.vitstream.app.Validator.nonEmpty;
import static io.vitstream.app.Validator.numbers;
import static io.vitstream.app.Validator.oneOf;
import static io.vitstream.app.Validator.topicName;

import io.vitstream.vit.Precision;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every key the app reads, each declared once with its type, default, accepted values and doc, the
 * way Kafka's {@code ConfigDef} does. Other keys must be Kafka client keys (Streams, producer,
 * consumer, admin, or one of Streams' prefixes, see {@link ClientKeys}); they pass through to the
 * clients, so security settings ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and
 * client tuning go in the same file. Anything else is refused at start-up.
 */
public final class ConfigKeys {
  /**
   * The largest {@code max.batch.size}. Start-up warms the model up on every padded batch shape
   * (powers of two up to the maximum, see {@code BatchShapes}), and PyTorch keeps native buffers
   * for each shape. Measured with the shipped Fashion-MNIST ViT, one intra-op thread: RSS 193 MB
   * after loading, 467 MB after warming up to 256, 721 MB to 512, 912 MB to 1024 (2.8 s); at
   * 100,000 a start-up grew to 14.8 GiB before serving anything. Larger models need far more per
   * shape, and past a few hundred images a batch gains no throughput on a CPU.
   */
  public static final int MAX_BATCH_SIZE_CAP = 1024;

  /** fp32, or fp16 (and the aliases {@link Precision#parse} accepts). */
  private static final Validator PRECISION =
      Validator.of(
          "fp32 or fp16",
          v -> {
            try {
              Precision.parse(v.toString());
              return true;
            } catch (IllegalArgumentException e) {
              return false;
            }
          });

  public static final ConfigKey BOOTSTRAP_SERVERS =
      new ConfigKey(
          "bootstrap.servers",
          STRING,
          "localhost:9092",
          hostPorts(),
          "Kafka brokers, host:port[,...]");
  public static final ConfigKey APPLICATION_ID =
      new ConfigKey(
          "application.id",
          STRING,
          "vitstream-inference",
          nonEmpty(),
          "Kafka Streams application id (consumer group)");
  public static final ConfigKey PROCESSING_GUARANTEE =
      new ConfigKey(
          "processing.guarantee",
          STRING,
          "exactly_once_v2",
          oneOf("exactly_once_v2", "at_least_once"),
          "exactly_once_v2 or at_least_once");
  public static final ConfigKey STREAM_THREADS =
      new ConfigKey(
          "num.stream.threads",
          INT,
          "1",
          atLeast(1),
          "Kafka Streams threads; each runs its own batches");
  public static final ConfigKey INTRA_OP_THREADS =
      new ConfigKey(
          "inference.intra.op.threads",
          INT,
          "0",
          atLeast(0),
          "PyTorch intra-op threads; 0 = (cores - 1) / num.stream.threads, at least 1");
  public static final ConfigKey MAX_BATCH_SIZE =
      new ConfigKey(
          "max.batch.size",
          INT,
          "32",
          between(1, MAX_BATCH_SIZE_CAP),
          "Flush a micro-batch at this many images (at most 1024: start-up warms up every padded shape)");
  public static final ConfigKey MAX_BATCH_DELAY_MS =
      new ConfigKey(
          "max.batch.delay.ms",
          INT,
          "20",
          atLeast(1),
          "Flush a micro-batch once its oldest image waited this long");
  public static final ConfigKey BATCHES_IN_FLIGHT =
      new ConfigKey(
          "max.batches.in.flight",
          INT,
          "1",
          between(0, 4),
          "Batches whose forward pass runs off the stream thread while the next one fills; 0 = on it");
  public static final ConfigKey TOP_K =
      new ConfigKey("inference.top.k", INT, "3", atLeast(1), "Classes reported per prediction");
  public static final ConfigKey MAX_IMAGE_BYTES =
      new ConfigKey(
          "image.max.bytes",
          INT,
          "8388608",
          atLeast(1),
          "Largest image payload accepted, in bytes");
  public static final ConfigKey MAX_IMAGE_SIDE =
      new ConfigKey(
          "image.max.side",
          INT,
          "4096",
          atLeast(1),
          "Largest width or height accepted, checked before decoding");
  public static final ConfigKey DEAD_LETTER_VALUE_MAX_BYTES =
      new ConfigKey(
          "dead.letter.value.max.bytes",
          INT,
          "65536",
          atLeast(0),
          "Most bytes of a refused record's value a dead letter keeps (it also has the size and sha256)");
  public static final ConfigKey TOPIC_IMAGES =
      new ConfigKey("topic.images", STRING, "images", topicName(), "Input topic of ImageEvents");
  public static final ConfigKey TOPIC_PREDICTIONS =
      new ConfigKey(
          "topic.predictions", STRING, "predictions", topicName(), "Output topic of Predictions");
  public static final ConfigKey TOPIC_FEEDBACK =
      new ConfigKey(
          "topic.feedback", STRING, "feedback", topicName(), "Topic of Feedback (true labels)");
  public static final ConfigKey TOPIC_MODEL_VERSIONS =
      new ConfigKey(
          "topic.model.versions",
          STRING,
          "model-versions",
          topicName(),
          "Compacted topic of ModelVersion events");
  public static final ConfigKey TOPIC_DEAD_LETTERS =
      new ConfigKey(
          "topic.dead.letters", STRING, "dead-letters", topicName(), "Topic of DeadLetters");
  public static final ConfigKey TOPIC_MODEL_ARTIFACTS =
      new ConfigKey(
          "topic.model.artifacts",
          STRING,
          "model-artifacts",
          topicName(),
          "Compacted topic of model versions' files, in chunks: how instances get a promoted version");
  public static final ConfigKey ARTIFACT_CHUNK_BYTES =
      new ConfigKey(
          "artifact.chunk.bytes",
          INT,
          "524288",
          between(1024, 64 << 20),
          "Bytes of weights per model-artifacts record (lowered to fit the topic's max.message.bytes)");
  public static final ConfigKey ARTIFACT_WAIT_S =
      new ConfigKey(
          "artifact.wait.s",
          INT,
          "60",
          atLeast(0),
          "How long an instance waits for a promoted version's artifact to be complete before it"
              + " skips the version");
  public static final ConfigKey TOPIC_PARTITIONS =
      new ConfigKey(
          "topic.partitions",
          INT,
          "1",
          atLeast(1),
          "Partitions of topics the app creates; raise to scale out over instances and threads");
  public static final ConfigKey TOPIC_CREATE =
      new ConfigKey("topic.create", BOOLEAN, "true", any(), "Create missing topics at startup");
  public static final ConfigKey BROKER_WAIT_S =
      new ConfigKey(
          "broker.wait.s",
          INT,
          "15",
          atLeast(0),
          "`vitstream run` exits when no broker answers for this long; 0 = keep trying, with a status"
              + " line every 15 s");
  public static final ConfigKey METRICS_PORT =
      new ConfigKey(
          "metrics.port",
          INT,
          "9464",
          between(0, 65535),
          "Port of the HTTP endpoint of `run` and `demo`: Prometheus `/metrics`, and the demo's"
              + " dashboard at `/`; 0 = a free port (the demo's default unless set)");
  public static final ConfigKey MODEL_CHECKPOINT =
      new ConfigKey(
          "model.checkpoint",
          STRING,
          "",
          any(),
          "Checkpoint folder (config.json + model.safetensors) to serve");
  public static final ConfigKey MODEL_NAME =
      new ConfigKey(
          "model.name",
          STRING,
          "fashion-mnist",
          nonEmpty(),
          "Model served from the store (or reported for a checkpoint)");
  public static final ConfigKey MODEL_VERSION =
      new ConfigKey(
          "model.version",
          INT,
          "0",
          atLeast(0),
          "Version to serve; 0 = the promoted one (for a checkpoint: reported)");
  public static final ConfigKey MODEL_DEVICE =
      new ConfigKey("model.device", STRING, "cpu", oneOf("cpu", "gpu"), "cpu or gpu");
  public static final ConfigKey MODEL_PRECISION =
      new ConfigKey("model.precision", STRING, "fp32", PRECISION, "fp32, or fp16 on a GPU");
  public static final ConfigKey MODEL_MEAN =
      new ConfigKey(
          "model.preprocessing.mean",
          LIST,
          "0.2860",
          numbers(any()),
          "Per-channel normalisation mean, comma-separated (Fashion-MNIST's by default)");
  public static final ConfigKey MODEL_STD =
      new ConfigKey(
          "model.preprocessing.std",
          LIST,
          "0.3530",
          numbers(greaterThan(0)),
          "Per-channel normalisation std, comma-separated");

  /** The keys of serving and of the app as a whole, in README order. */
  private static final List<ConfigKey> CORE =
      List.of(
          BOOTSTRAP_SERVERS,
          APPLICATION_ID,
          PROCESSING_GUARANTEE,
          STREAM_THREADS,
          INTRA_OP_THREADS,
          MAX_BATCH_SIZE,
          MAX_BATCH_DELAY_MS,
          BATCHES_IN_FLIGHT,
          TOP_K,
          MAX_IMAGE_BYTES,
          MAX_IMAGE_SIDE,
          DEAD_LETTER_VALUE_MAX_BYTES,
          TOPIC_IMAGES,
          TOPIC_PREDICTIONS,
          TOPIC_FEEDBACK,
          TOPIC_MODEL_VERSIONS,
          TOPIC_DEAD_LETTERS,
          TOPIC_MODEL_ARTIFACTS,
          ARTIFACT_CHUNK_BYTES,
          ARTIFACT_WAIT_S,
          TOPIC_PARTITIONS,
          TOPIC_CREATE,
          BROKER_WAIT_S,
          METRICS_PORT,
          MODEL_CHECKPOINT,
          MODEL_NAME,
          MODEL_VERSION,
          MODEL_DEVICE,
          MODEL_PRECISION,
          MODEL_MEAN,
          MODEL_STD);

  /** All keys, in README order: the core, then the feedback loop's ({@link FeedbackKeys}). */
  public static final List<ConfigKey> ALL =
      Stream.concat(CORE.stream(), FeedbackKeys.ALL.stream()).toList();

  private ConfigKeys() {}
}
