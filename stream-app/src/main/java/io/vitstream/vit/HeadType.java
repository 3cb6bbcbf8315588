package io.vitstream.vit;

/** The classifier head on top of the final [class] token. */
public enum HeadType {
  /** A single linear layer (the paper's fine-tuning head, initialised to zero). */
  LINEAR,
  /**
   * The paper's pre-training head: a hidden layer with tanh ("pre-logits", HF's pooler), then the
   * linear classifier when there are classes.
   */
  PRE_LOGITS
}
