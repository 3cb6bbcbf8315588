package io.vitstream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DashboardStateTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final List<Score> SHIRT =
      List.of(new Score("Shirt", 6, 0.8), new Score("T-shirt/top", 0, 0.1));
  private static final List<Score> BAG = List.of(new Score("Bag", 8, 0.9));

  private static SeenPrediction seen(long atMs, double latencyMs, List<Score> top, String truth) {
    return new SeenPrediction(
        "img-" + atMs, 3, top, 8, atMs - (long) latencyMs, atMs, Optional.ofNullable(truth));
  }

  @Test
  void shouldKeepOnlyTheLastPointsMarkersAndThumbnails() {
    // Given rings of 3 points, 2 markers and 2 thumbnails
    var state = new DashboardState(5, new DashboardState.Capacity(3, 4, 2, 2, 2, 10, 2));

    // When 10 buckets of predictions, 5 markers and 5 thumbnails arrive
    long bucket = DashboardState.BUCKET_MS;
    for (int i = 0; i < 10; i++) {
      state.onPrediction(seen(T0 + i * bucket, 10, BAG, "Bag"));
    }
    for (int i = 0; i < 5; i++) {
      state.onMarker(new Snapshot.Marker(T0 + i, "promoted", i, "v" + i));
      state.onThumbnail(new Snapshot.Thumbnail("img" + i, "data:", null, BAG));
    }
    Snapshot s = state.snapshot(T0 + 20_000);

    // Then only the newest of each are kept, oldest first (thumbnails newest first)
    assertThat(s.series())
        .extracting(Snapshot.Point::tMs)
        .containsExactly(T0 + 7 * bucket, T0 + 8 * bucket, T0 + 9 * bucket);
    assertThat(s.markers()).extracting(Snapshot.Marker::version).containsExactly(3, 4);
    assertThat(s.thumbnails())
        .extracting(Snapshot.Thumbnail::imageId)
        .containsExactly("img4", "img3");
    assertThat(s.windows()).hasSize(2);
    assertThat(s.totals().predictions()).isEqualTo(10);
  }

  @Test
  void shouldComputeNearestRankPercentilesPerBucketAndTheRateOfTheLastSecond() {
    // Given 100 predictions in the first quarter second with latencies 1..100 ms, and 50 in each
    // of the next three
    var state = new DashboardState(10);
    for (int i = 1; i <= 100; i++) {
      state.onPrediction(seen(T0 + i % 250, i, BAG, null));
    }
    Snapshot open = state.snapshot(T0 + 249);
    for (int q = 1; q <= 3; q++) {
      for (int i = 0; i < 50; i++) {
        state.onPrediction(seen(T0 + q * 250L + i, 1000, BAG, null));
      }
    }

    // When the second is over
    Snapshot s = state.snapshot(T0 + 1000);

    // Then each bucket holds its count, rate and nearest-rank percentiles, and the text shows the
    // predictions of the last second and the percentiles of all recent latencies
    assertThat(open.series()).isEmpty();
    assertThat(open.latest().throughput()).isNull();
    assertThat(s.series().get(0)).isEqualTo(new Snapshot.Point(T0, 100, 400, 50, 99));
    assertThat(s.series()).hasSize(4);
    assertThat(s.series().get(3).perSecond()).isEqualTo(200);
    assertThat(s.latest().throughput()).isEqualTo(250.0);
    assertThat(s.latest().p50Ms()).isEqualTo(1000.0); // rank 125 of 250: past the 100 fast ones
    assertThat(s.latest().p99Ms()).isEqualTo(1000.0);
    assertThat(Percentiles.nearestRank(new double[] {7}, 0.99)).isEqualTo(7);
    assertThat(Percentiles.nearestRank(new double[] {3, 1, 2, 4}, 0.5)).isEqualTo(2);
    assertThat(Percentiles.nearestRank(new double[0], 0.5)).isNaN();
  }

  @Test
  void shouldSumTheConfusionMatrixToTheLabelledPredictions() {
    // Given right, wrong, index-labelled and unlabelled predictions
    var state = new DashboardState(100);
    state.onPrediction(seen(T0, 5, SHIRT, "Shirt"));
    state.onPrediction(seen(T0 + 1, 5, SHIRT, "6")); // the index as text is the same class
    state.onPrediction(seen(T0 + 2, 5, SHIRT, "T-shirt/top"));
    state.onPrediction(seen(T0 + 3, 5, BAG, "Bag"));
    state.onPrediction(seen(T0 + 4, 5, BAG, null));

    // When the state is read
    Snapshot s = state.snapshot(T0 + 10);

    // Then rows and columns follow the class index, the cells sum to the labelled count and the
    // diagonal to the correct ones
    var c = s.confusion();
    assertThat(c.labels()).containsExactly("T-shirt/top", "Shirt", "Bag");
    long sum = c.counts().stream().flatMap(List::stream).mapToLong(Long::longValue).sum();
    long diagonal = 0;
    for (int i = 0; i < c.labels().size(); i++) {
      diagonal += c.counts().get(i).get(i);
    }
    assertThat(sum).isEqualTo(s.totals().labelled()).isEqualTo(4);
    assertThat(diagonal).isEqualTo(s.totals().correct()).isEqualTo(3);
    assertThat(c.counts().get(0)).containsExactly(0L, 1L, 0L); // a T-shirt taken for a shirt
  }

  @Test
  void shouldCloseAccuracyWindowsAndShowTheLastCompleteOne() {
    // Given windows of 4 labelled predictions
    var state = new DashboardState(4);

    // When 4 right, then 4 with one right, then 2 right arrive
    for (int i = 0; i < 10; i++) {
      boolean right = i < 4 || i == 4 || i >= 8;
      state.onPrediction(seen(T0 + i, 5, BAG, right ? "Bag" : "Shirt"));
    }
    Snapshot s = state.snapshot(T0 + 100);

    // Then two windows are complete and one is filling
    assertThat(s.windows()).extracting(Snapshot.Window::accuracy).containsExactly(1.0, 0.25, 1.0);
    assertThat(s.windows())
        .extracting(Snapshot.Window::complete)
        .containsExactly(true, true, false);
    assertThat(s.windows().get(1).first()).isEqualTo(4);
    assertThat(s.windows().get(1).versions()).isEqualTo("v3");
    assertThat(s.latest().accuracy()).isEqualTo(0.25);
  }

  @Test
  void shouldCountDeadLettersByReasonUpToTheCap() {
    // Given room for two reasons
    var state = new DashboardState(5, new DashboardState.Capacity(10, 10, 10, 10, 10, 10, 2));

    // When three reasons arrive
    state.onDeadLetter("decode: not an image");
    state.onDeadLetter("decode: not an image");
    state.onDeadLetter("deserialize: empty payload");
    state.onDeadLetter("preprocess: too large");
    Snapshot s = state.snapshot(T0);

    // Then the third is counted with the others beyond the cap, the most frequent first
    assertThat(s.totals().deadLetters()).isEqualTo(4);
    assertThat(s.deadLetters())
        .containsExactly(
            new Snapshot.ReasonCount("decode: not an image", 2),
            new Snapshot.ReasonCount("deserialize: empty payload", 1),
            new Snapshot.ReasonCount(DashboardState.OTHER_REASON, 1));
  }

  @Test
  void shouldSendTheSnapshotAsJsonWithNullsBeforeAnyMeasurement() {
    // Given an empty state and one with a prediction
    var empty = new DashboardState(5);
    var one = new DashboardState(5);
    one.onPrediction(seen(T0, 12, SHIRT, "Shirt"));

    // When both are written as JSON
    JsonObject e = JsonParser.parseString(Dashboard.json(empty.snapshot(T0))).getAsJsonObject();
    JsonObject o =
        JsonParser.parseString(Dashboard.json(one.snapshot(T0 + 2000))).getAsJsonObject();

    // Then the shape is the page's: totals, latest, series, charts' lists
    assertThat(e.keySet())
        .containsExactlyInAnyOrder(
            "nowMs",
            "startMs",
            "bucketMs",
            "totals",
            "latest",
            "series",
            "batchSizes",
            "windows",
            "markers",
            "confusion",
            "thumbnails",
            "deadLetters");
    assertThat(e.getAsJsonObject("latest").has("p50Ms")).isFalse(); // null: not measured
    assertThat(o.getAsJsonObject("totals").get("predictions").getAsLong()).isEqualTo(1);
    assertThat(o.getAsJsonObject("latest").get("p99Ms").getAsDouble()).isEqualTo(12.0);
    var point = o.getAsJsonArray("series").get(0).getAsJsonObject();
    assertThat(point.keySet())
        .containsExactlyInAnyOrder("tMs", "count", "perSecond", "p50Ms", "p99Ms");
    assertThat(o.getAsJsonObject("confusion").getAsJsonArray("labels").get(0).getAsString())
        .isEqualTo("Shirt");
    assertThat(o.getAsJsonArray("batchSizes").get(0).getAsJsonObject().get("size").getAsInt())
        .isEqualTo(8);
  }
}
