package io.vitstream.training;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.evaluation.Evaluation;
import io.vitstream.image.Preprocessing;
import io.vitstream.store.ModelCandidate;
import io.vitstream.store.ModelManifest;
import java.util.ArrayList;
import java.util.List;

/** What the store records of a trained Fashion-MNIST model: its metrics, curve and provenance. */
final class TrainedCandidate {
  private TrainedCandidate() {}

  /**
   * @param teacherSeconds the distillation teacher's training time, counted in the model's
   * @param commands the commands that trained the checkpoint, oldest first
   */
  static ModelCandidate of(
      TrainingResult result, TrainingConfig config, double teacherSeconds, List<String> commands) {
    Evaluation e = result.finalEvaluation();
    double cumulative = 0;
    List<ModelManifest.CurvePoint> curve = new ArrayList<>();
    for (EpochResult r : result.history()) {
      cumulative += r.seconds();
      curve.add(
          new ModelManifest.CurvePoint(
              r.epoch(), r.trainLoss(), r.trainAccuracy(), r.testAccuracy(), cumulative));
    }
    ModelManifest.Metrics metrics =
        new ModelManifest.Metrics(
            e.accuracy(), e.count(), e.perClassAccuracy(), e.confusion(), curve);
    ModelManifest.Provenance provenance =
        new ModelManifest.Provenance(
            FashionMnist.NAME,
            result.epochs(),
            config.seed(),
            String.join("\n", commands),
            Math.round((result.trainingSeconds() + teacherSeconds) * 10) / 10.0,
            "none");
    return new ModelCandidate(
        FashionMnist.LABELS, Preprocessing.fashionMnist(), metrics, provenance, 0);
  }
}
