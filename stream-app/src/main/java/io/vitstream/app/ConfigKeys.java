package io.vitstream.app;

import java.util.List;

/**
 * Every key the app reads. Keys not listed here pass through to the Kafka clients (Streams,
 * producer, consumer, admin), so security settings ({@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}) and client tuning go in the same file.
 */
public final class ConfigKeys {
  public static final ConfigKey BOOTSTRAP_SERVERS =
      new ConfigKey("bootstrap.servers", "localhost:9092", "Kafka brokers, host:port[,...]");
  public static final ConfigKey APPLICATION_ID =
      new ConfigKey(
          "application.id", "vitstream-inference", "Kafka Streams application id (consumer group)");
  public static final ConfigKey PROCESSING_GUARANTEE =
      new ConfigKey("processing.guarantee", "exactly_once_v2", "exactly_once_v2 or at_least_once");
  public static final ConfigKey STREAM_THREADS =
      new ConfigKey("num.stream.threads", "1", "Kafka Streams threads; each runs its own batches");
  public static final ConfigKey INTRA_OP_THREADS =
      new ConfigKey(
          "inference.intra.op.threads",
          "0",
          "PyTorch intra-op threads; 0 = (cores - 1) / num.stream.threads, at least 1");
  public static final ConfigKey MAX_BATCH_SIZE =
      new ConfigKey("max.batch.size", "32", "Flush a micro-batch at this many images");
  public static final ConfigKey MAX_BATCH_DELAY_MS =
      new ConfigKey(
          "max.batch.delay.ms", "20", "Flush a micro-batch once its oldest image waited this long");
  public static final ConfigKey TOP_K =
      new ConfigKey("inference.top.k", "3", "Classes reported per prediction");
  public static final ConfigKey MAX_IMAGE_BYTES =
      new ConfigKey("image.max.bytes", "8388608", "Largest image payload accepted, in bytes");
  public static final ConfigKey MAX_IMAGE_SIDE =
      new ConfigKey(
          "image.max.side", "4096", "Largest width or height accepted, checked before decoding");
  public static final ConfigKey DEAD_LETTER_VALUE_MAX_BYTES =
      new ConfigKey(
          "dead.letter.value.max.bytes",
          "65536",
          "Most bytes of a refused record's value a dead letter keeps (it also has the size and sha256)");
  public static final ConfigKey TOPIC_IMAGES =
      new ConfigKey("topic.images", "images", "Input topic of ImageEvents");
  public static final ConfigKey TOPIC_PREDICTIONS =
      new ConfigKey("topic.predictions", "predictions", "Output topic of Predictions");
  public static final ConfigKey TOPIC_FEEDBACK =
      new ConfigKey("topic.feedback", "feedback", "Topic of Feedback (true labels)");
  public static final ConfigKey TOPIC_MODEL_VERSIONS =
      new ConfigKey(
          "topic.model.versions", "model-versions", "Compacted topic of ModelVersion events");
  public static final ConfigKey TOPIC_DEAD_LETTERS =
      new ConfigKey("topic.dead.letters", "dead-letters", "Topic of DeadLetters");
  public static final ConfigKey TOPIC_PARTITIONS =
      new ConfigKey(
          "topic.partitions",
          "1",
          "Partitions of topics the app creates; raise to scale out over instances and threads");
  public static final ConfigKey TOPIC_CREATE =
      new ConfigKey("topic.create", "true", "Create missing topics at startup");
  public static final ConfigKey MODEL_CHECKPOINT =
      new ConfigKey(
          "model.checkpoint", "", "Checkpoint folder (config.json + model.safetensors) to serve");
  public static final ConfigKey MODEL_NAME =
      new ConfigKey(
          "model.name",
          "fashion-mnist",
          "Model served from the store (or reported for a checkpoint)");
  public static final ConfigKey MODEL_VERSION =
      new ConfigKey(
          "model.version",
          "0",
          "Version to serve; 0 = the promoted one (for a checkpoint: reported)");
  public static final ConfigKey MODEL_DEVICE = new ConfigKey("model.device", "cpu", "cpu or gpu");
  public static final ConfigKey MODEL_PRECISION =
      new ConfigKey("model.precision", "fp32", "fp32, or fp16 on a GPU");
  public static final ConfigKey MODEL_MEAN =
      new ConfigKey(
          "model.preprocessing.mean",
          "0.2860",
          "Per-channel normalisation mean, comma-separated (Fashion-MNIST's by default)");
  public static final ConfigKey MODEL_STD =
      new ConfigKey(
          "model.preprocessing.std", "0.3530", "Per-channel normalisation std, comma-separated");

  public static final ConfigKey FEEDBACK_ENABLED =
      new ConfigKey(
          "feedback.enabled",
          "false",
          "`vitstream run` also runs the feedback loop (fine-tuning, gate, rollback)");
  public static final ConfigKey TRIGGER_LABELS =
      new ConfigKey(
          "feedback.trigger.labels", "200", "Fine-tune after this many new training labels (N)");
  public static final ConfigKey TRIGGER_INTERVAL_S =
      new ConfigKey(
          "feedback.trigger.interval.s",
          "3600",
          "Fine-tune after this many seconds with at least feedback.trigger.min.labels new labels (T)");
  public static final ConfigKey TRIGGER_ACCURACY_DROP =
      new ConfigKey(
          "feedback.trigger.accuracy.drop",
          "0.1",
          "Fine-tune when live accuracy falls this far below the champion's (X, in [0, 1])");
  public static final ConfigKey TRIGGER_MIN_LABELS =
      new ConfigKey(
          "feedback.trigger.min.labels",
          "50",
          "The fewest new labels a time- or accuracy-triggered run needs");
  public static final ConfigKey HOLDOUT_FRACTION =
      new ConfigKey(
          "feedback.holdout.fraction",
          "0.2",
          "Share of labelled image ids held out for the gate, never trained on");
  public static final ConfigKey REPLAY_PER_CLASS =
      new ConfigKey("feedback.replay.per.class", "100", "Replay reservoir size per class");
  public static final ConfigKey LIVE_WINDOW =
      new ConfigKey(
          "feedback.live.window", "100", "Labelled predictions in the rolling live accuracy");
  public static final ConfigKey IMAGE_RETENTION_S =
      new ConfigKey(
          "feedback.image.retention.s",
          "600",
          "How long a recent image can be labelled, in seconds");
  public static final ConfigKey GATE_MARGIN =
      new ConfigKey(
          "feedback.gate.margin",
          "0.01",
          "Holdout accuracy a candidate must gain over the champion");
  public static final ConfigKey GATE_TOLERANCE =
      new ConfigKey(
          "feedback.gate.tolerance",
          "0.01",
          "Regression-set accuracy a candidate may lose, against the champion and its baseline");
  public static final ConfigKey GATE_MIN_HOLDOUT =
      new ConfigKey(
          "feedback.gate.min.holdout", "30", "The fewest holdout examples a gate decision needs");
  public static final ConfigKey ROLLBACK_DROP =
      new ConfigKey(
          "feedback.rollback.drop",
          "0.05",
          "Roll back when the new version's live accuracy falls this far below its predecessor's");
  public static final ConfigKey ROLLBACK_MIN_LABELS =
      new ConfigKey(
          "feedback.rollback.min.labels",
          "100",
          "Labelled predictions of a new version before it can be rolled back");
  public static final ConfigKey FINETUNE_OPTIMIZER =
      new ConfigKey(
          "finetune.optimizer",
          "adamw",
          "Fine-tuning optimizer: adamw or sgd (momentum 0.9, the paper's recipe)");
  public static final ConfigKey FINETUNE_REHEARSAL =
      new ConfigKey(
          "finetune.rehearsal.examples",
          "500",
          "Original training images mixed into every fine-tuning run, against forgetting (0 = none)");
  public static final ConfigKey FINETUNE_DISTILL =
      new ConfigKey(
          "finetune.rehearsal.distill",
          "0.5",
          "Share of a rehearsal image's target that is the champion's prediction (0 = its label)");
  public static final ConfigKey FINETUNE_EPOCHS =
      new ConfigKey("finetune.epochs", "3", "Fine-tuning epochs over fresh + replay examples");
  public static final ConfigKey FINETUNE_LEARNING_RATE =
      new ConfigKey(
          "finetune.learning.rate",
          "0.0005",
          "Fine-tuning peak learning rate (cosine decay; about 0.01 for sgd)");
  public static final ConfigKey FINETUNE_BATCH_SIZE =
      new ConfigKey("finetune.batch.size", "64", "Fine-tuning batch size");
  public static final ConfigKey FINETUNE_TIME_LIMIT_S =
      new ConfigKey(
          "finetune.time.limit.s",
          "120",
          "A fine-tuning run stops training after this many seconds");

  /** All keys, in README order. */
  public static final List<ConfigKey> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          APPLICATION_ID,
          PROCESSING_GUARANTEE,
          STREAM_THREADS,
          INTRA_OP_THREADS,
          MAX_BATCH_SIZE,
          MAX_BATCH_DELAY_MS,
          TOP_K,
          MAX_IMAGE_BYTES,
          MAX_IMAGE_SIDE,
          DEAD_LETTER_VALUE_MAX_BYTES,
          TOPIC_IMAGES,
          TOPIC_PREDICTIONS,
          TOPIC_FEEDBACK,
          TOPIC_MODEL_VERSIONS,
          TOPIC_DEAD_LETTERS,
          TOPIC_PARTITIONS,
          TOPIC_CREATE,
          MODEL_CHECKPOINT,
          MODEL_NAME,
          MODEL_VERSION,
          MODEL_DEVICE,
          MODEL_PRECISION,
          MODEL_MEAN,
          MODEL_STD,
          FEEDBACK_ENABLED,
          TRIGGER_LABELS,
          TRIGGER_INTERVAL_S,
          TRIGGER_ACCURACY_DROP,
          TRIGGER_MIN_LABELS,
          HOLDOUT_FRACTION,
          REPLAY_PER_CLASS,
          LIVE_WINDOW,
          IMAGE_RETENTION_S,
          GATE_MARGIN,
          GATE_TOLERANCE,
          GATE_MIN_HOLDOUT,
          ROLLBACK_DROP,
          ROLLBACK_MIN_LABELS,
          FINETUNE_OPTIMIZER,
          FINETUNE_REHEARSAL,
          FINETUNE_DISTILL,
          FINETUNE_EPOCHS,
          FINETUNE_LEARNING_RATE,
          FINETUNE_BATCH_SIZE,
          FINETUNE_TIME_LIMIT_S);

  private ConfigKeys() {}
}
