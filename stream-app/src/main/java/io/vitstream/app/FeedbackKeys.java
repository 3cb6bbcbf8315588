package io.vitstream.app;

import static io.vitstream.app.ConfigType.BOOLEAN;
import static io.vitstream.app.ConfigType.DOUBLE;
import static io.vitstream.app.ConfigType.INT;
import static io.vitstream.app.ConfigType.STRING;
import static io.vitstream.app.Validator.aboveAndAtMost;
import static io.vitstream.app.Validator.any;
import static io.vitstream.app.Validator.atLeast;
import static io.vitstream.app.Validator.atLeastAndBelow;
import static io.vitstream.app.Validator.between;
import static io.vitstream.app.Validator.greaterThan;
import static io.vitstream.app.Validator.oneOf;

import java.util.List;

/** The feedback loop's keys: trigger, holdout, replay, gate, rollback and fine-tuning. */
public final class FeedbackKeys {
  public static final ConfigKey FEEDBACK_ENABLED =
      new ConfigKey(
          "feedback.enabled",
          BOOLEAN,
          "false",
          any(),
          "`vitstream run` also runs the feedback loop (fine-tuning, gate, rollback)");
  public static final ConfigKey TRIGGER_LABELS =
      new ConfigKey(
          "feedback.trigger.labels",
          INT,
          "200",
          atLeast(1),
          "Fine-tune after this many new training labels (N)");
  public static final ConfigKey TRIGGER_INTERVAL_S =
      new ConfigKey(
          "feedback.trigger.interval.s",
          INT,
          "3600",
          atLeast(1),
          "Fine-tune after this many seconds with at least feedback.trigger.min.labels new labels (T)");
  public static final ConfigKey TRIGGER_ACCURACY_DROP =
      new ConfigKey(
          "feedback.trigger.accuracy.drop",
          DOUBLE,
          "0.1",
          aboveAndAtMost(0, 1),
          "Fine-tune when live accuracy falls this far below the champion's (X, in [0, 1])");
  public static final ConfigKey TRIGGER_MIN_LABELS =
      new ConfigKey(
          "feedback.trigger.min.labels",
          INT,
          "50",
          atLeast(1),
          "The fewest new labels a time- or accuracy-triggered run needs");
  public static final ConfigKey TRIGGER_MIN_HOLDOUT_MISSES =
      new ConfigKey(
          "feedback.trigger.min.holdout.misses",
          INT,
          "12",
          atLeast(0),
          "The fewest new holdout images the champion got wrong an accuracy-triggered run waits for,"
              + " so that the gate can judge it (exact McNemar needs 6 at alpha 0.05)");
  public static final ConfigKey HOLDOUT_FRACTION =
      new ConfigKey(
          "feedback.holdout.fraction",
          DOUBLE,
          "0.2",
          atLeastAndBelow(0, 1),
          "Share of labelled image ids held out for the gate, never trained on");
  public static final ConfigKey HOLDOUT_MAX_COUNT =
      new ConfigKey("feedback.holdout.max.count", INT, "2000", atLeast(1), "Most holdout kept");
  public static final ConfigKey HOLDOUT_MAX_AGE_S =
      new ConfigKey("feedback.holdout.max.age.s", INT, "604800", atLeast(1), "Oldest holdout kept");
  public static final ConfigKey REPLAY_PER_CLASS =
      new ConfigKey(
          "feedback.replay.per.class", INT, "100", atLeast(1), "Replay reservoir size per class");
  public static final ConfigKey LIVE_WINDOW =
      new ConfigKey(
          "feedback.live.window",
          INT,
          "100",
          atLeast(1),
          "Labelled predictions in the rolling live accuracy");
  public static final ConfigKey IMAGE_RETENTION_S =
      new ConfigKey(
          "feedback.image.retention.s",
          INT,
          "600",
          atLeast(1),
          "How long a recent image can be labelled, in seconds");
  public static final ConfigKey REGRESSION_SOURCE =
      new ConfigKey(
          "feedback.regression.source",
          STRING,
          "",
          RegressionSource.VALIDATOR,
          "The gate's regression set: " + RegressionSource.FORMS + " (see the README)");
  public static final ConfigKey GATE_MARGIN =
      new ConfigKey(
          "feedback.gate.margin",
          DOUBLE,
          "0.01",
          between(0, 1),
          "Holdout accuracy a candidate must gain over the champion");
  public static final ConfigKey GATE_ALPHA =
      new ConfigKey(
          "feedback.gate.alpha",
          DOUBLE,
          "0.05",
          aboveAndAtMost(0, 1),
          "The exact McNemar p-value the candidate's holdout gain must fall below");
  public static final ConfigKey GATE_TOLERANCE =
      new ConfigKey(
          "feedback.gate.tolerance",
          DOUBLE,
          "0.01",
          between(0, 1),
          "Regression-set accuracy a candidate may lose: the upper 95% bound of its paired loss"
              + " against the champion, and its loss against the baseline");
  public static final ConfigKey GATE_MIN_HOLDOUT =
      new ConfigKey(
          "feedback.gate.min.holdout",
          INT,
          "30",
          atLeast(1),
          "The fewest holdout examples a gate decision needs");
  public static final ConfigKey ROLLBACK_DROP =
      new ConfigKey(
          "feedback.rollback.drop",
          DOUBLE,
          "0.05",
          between(0, 1),
          "Roll back when the new version's live accuracy falls this far below its predecessor's");
  public static final ConfigKey ROLLBACK_MIN_LABELS =
      new ConfigKey(
          "feedback.rollback.min.labels",
          INT,
          "100",
          atLeast(1),
          "Labelled predictions of a new version before it can be rolled back");
  public static final ConfigKey FINETUNE_OPTIMIZER =
      new ConfigKey(
          "finetune.optimizer",
          STRING,
          "adamw",
          oneOf("adamw", "sgd"),
          "Fine-tuning optimizer: adamw or sgd (momentum 0.9, the paper's recipe)");
  public static final ConfigKey FINETUNE_REHEARSAL =
      new ConfigKey(
          "finetune.rehearsal.examples",
          INT,
          "500",
          atLeast(0),
          "Original training images mixed into every fine-tuning run, against forgetting (0 = none)");
  public static final ConfigKey FINETUNE_DISTILL =
      new ConfigKey(
          "finetune.rehearsal.distill",
          DOUBLE,
          "0.5",
          between(0, 1),
          "Share of a rehearsal image's target that is the champion's prediction (0 = its label)");
  public static final ConfigKey FINETUNE_EPOCHS =
      new ConfigKey(
          "finetune.epochs",
          INT,
          "3",
          atLeast(1),
          "Fine-tuning epochs over fresh + replay examples");
  public static final ConfigKey FINETUNE_LEARNING_RATE =
      new ConfigKey(
          "finetune.learning.rate",
          DOUBLE,
          "0.0005",
          greaterThan(0),
          "Fine-tuning peak learning rate (cosine decay; about 0.01 for sgd)");
  public static final ConfigKey FINETUNE_BATCH_SIZE =
      new ConfigKey("finetune.batch.size", INT, "64", atLeast(1), "Fine-tuning batch size");
  public static final ConfigKey FINETUNE_TIME_LIMIT_S =
      new ConfigKey(
          "finetune.time.limit.s",
          INT,
          "120",
          atLeast(1),
          "A fine-tuning run stops training after this many seconds");

  public static final ConfigKey FINETUNE_METHOD =
      new ConfigKey(
          "finetune.method",
          STRING,
          "adapter",
          oneOf("adapter", "full"),
          "What fine-tuning learns: adapter (a new input adapter and a router; the encoder and"
              + " head stay) or full (every weight; what a hybrid model always does)");
  public static final ConfigKey ADAPTERS_MAX =
      new ConfigKey(
          "finetune.adapters.max",
          INT,
          "4",
          atLeast(1),
          "Most input adapters a version holds; the oldest gives its slot up");
  public static final ConfigKey ADAPTER_EPOCHS =
      new ConfigKey(
          "finetune.adapter.epochs", INT, "10", atLeast(1), "An input adapter's training epochs");
  public static final ConfigKey ADAPTER_LEARNING_RATE =
      new ConfigKey(
          "finetune.adapter.learning.rate",
          DOUBLE,
          "0.01",
          greaterThan(0),
          "An input adapter's peak learning rate (cosine decay)");
  public static final ConfigKey ROUTER_ORIGINALS =
      new ConfigKey(
          "finetune.router.originals",
          INT,
          "4000",
          atLeast(0),
          "Original training images the router is fitted on next to the feedback (needs the"
              + " fashion-mnist regression source; 0 = none)");
  public static final ConfigKey WARM_AHEAD =
      new ConfigKey(
          "finetune.warm.ahead",
          BOOLEAN,
          "true",
          any(),
          "While idle, measure the base expert on every start symmetry of the router's originals,"
              + " for the first run after a turned, mirrored or inverted input (routine runs wait"
              + " for it)");

  /** These keys, in README order. */
  public static final List<ConfigKey> ALL =
      List.of(
          FEEDBACK_ENABLED,
          TRIGGER_LABELS,
          TRIGGER_INTERVAL_S,
          TRIGGER_ACCURACY_DROP,
          TRIGGER_MIN_LABELS,
          TRIGGER_MIN_HOLDOUT_MISSES,
          HOLDOUT_FRACTION,
          HOLDOUT_MAX_COUNT,
          HOLDOUT_MAX_AGE_S,
          REPLAY_PER_CLASS,
          LIVE_WINDOW,
          IMAGE_RETENTION_S,
          REGRESSION_SOURCE,
          GATE_MARGIN,
          GATE_ALPHA,
          GATE_TOLERANCE,
          GATE_MIN_HOLDOUT,
          ROLLBACK_DROP,
          ROLLBACK_MIN_LABELS,
          FINETUNE_METHOD,
          ADAPTERS_MAX,
          ADAPTER_EPOCHS,
          ADAPTER_LEARNING_RATE,
          ROUTER_ORIGINALS,
          WARM_AHEAD,
          FINETUNE_OPTIMIZER,
          FINETUNE_REHEARSAL,
          FINETUNE_DISTILL,
          FINETUNE_EPOCHS,
          FINETUNE_LEARNING_RATE,
          FINETUNE_BATCH_SIZE,
          FINETUNE_TIME_LIMIT_S);

  private FeedbackKeys() {}
}
