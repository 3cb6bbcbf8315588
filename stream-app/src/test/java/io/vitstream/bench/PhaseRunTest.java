package io.vitstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitstream.avro.Prediction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency's parts that {@code bench pipeline} reports at half load. */
class PhaseRunTest {
  @Test
  void shouldSplitTheTimeInTheAppIntoQueueAndTheBatchsForward() {
    // Given 100 predictions: image i waited i ms in the queue, then a forward of 10 ms (20 ms for
    // the last ten), and reached the reader 5 ms after its output
    List<Prediction> predictions = new ArrayList<>();
    long[] arrivals = new long[100];
    for (int i = 0; i < 100; i++) {
      double forward = i < 90 ? 10 : 20;
      long event = 1_000_000L + 1000L * i;
      long output = event + i + (long) forward;
      predictions.add(prediction(event, forward, output));
      arrivals[i] = output + 5;
    }
    PhaseRun run = new PhaseRun(arrivals, predictions);

    // When
    LatencyPoint.Parts parts = run.parts(0);

    // Then each part has its own quantiles, and the queue is what the forward leaves of the app's
    assertThat(parts.queued().p50Ms()).isEqualTo(49);
    assertThat(parts.queued().p99Ms()).isEqualTo(98);
    assertThat(parts.forward().p50Ms()).isEqualTo(10);
    assertThat(parts.forward().p99Ms()).isEqualTo(20);
    assertThat(parts.inApp().p50Ms()).isEqualTo(59);
    assertThat(parts.inApp().p99Ms()).isEqualTo(118);
    assertThat(parts.afterOutput().p99Ms()).isEqualTo(5);
  }

  @Test
  void shouldLeaveTheWarmUpOutOfEveryPart() {
    // Given 10 predictions whose first half queued 1000 ms, the second 1 ms
    List<Prediction> predictions = new ArrayList<>();
    long[] arrivals = new long[10];
    for (int i = 0; i < 10; i++) {
      long queued = i < 5 ? 1000 : 1;
      predictions.add(prediction(0, 3, queued + 3));
      arrivals[i] = queued + 3;
    }

    // When the first half is skipped
    LatencyPoint.Parts parts = new PhaseRun(arrivals, predictions).parts(0.5);

    // Then
    assertThat(parts.queued().p99Ms()).isEqualTo(1);
    assertThat(parts.inApp().p99Ms()).isEqualTo(4);
  }

  private static Prediction prediction(long eventMs, double forwardMs, long outputMs) {
    return Prediction.newBuilder()
        .setImageId("i")
        .setTopK(List.of())
        .setModelName("m")
        .setModelVersion(1)
        .setBatchSize(8)
        .setEventTime(Instant.ofEpochMilli(eventMs))
        .setInferenceTimeMs(forwardMs)
        .setOutputTime(Instant.ofEpochMilli(outputMs))
        .build();
  }
}
