package io.vitstream.feedback;

import io.vitstream.avro.ModelStatus;
import io.vitstream.avro.ModelVersion;
import io.vitstream.kafka.ConsumerThreads;
import io.vitstream.serde.SingleObjectAvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fine-tuning requests the feedback topology publishes, off the stream threads: a consumer
 * (read_committed, so a request of an aborted transaction is never seen) hands them to the {@link
 * FineTuner} (the {@link FineTuneJob}) one at a time. The queue is bounded: a request that arrives
 * while a run is going replaces the one waiting, keeping its fresh labels (at most {@link
 * #MAX_FRESH}) and its urgency. A request's offset is committed once its run has ended, so a crash
 * reruns the requests since the last run instead of losing them. The worker also follows the
 * ROLLED_BACK decisions on model-versions into the model store's promoted pointer, so that a
 * restarted service and the next run start from the version rolled back to.
 */
public final class FineTuneWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FineTuneWorker.class);

  /** The consumer session unless the config sets one: how soon another instance takes over. */
  private static final int SESSION_TIMEOUT_MS = 10_000;

  /** The most fresh labels a request keeps when it replaces waiting ones. */
  static final int MAX_FRESH = 10_000;

  private final Map<String, Object> clientConfig;
  private final String groupId;
  private final String requests;
  private final String modelVersions;
  private final FineTuner job;
  private final AtomicBoolean running = new AtomicBoolean();
  private final FineTuneRequestSerde requestSerde = new FineTuneRequestSerde();
  private final SingleObjectAvroSerde<ModelVersion> versionSerde =
      new SingleObjectAvroSerde<>(ModelVersion.class);
  private KafkaConsumer<String, byte[]> consumer;
  private Thread thread;
  private FineTuneRequest waiting;
  private CompletableFuture<?> run;
  private long runOffset = -1;
  private boolean runUrgent;
  private volatile long waitingOffset = -1;
  private long runs;

  /**
   * @param clientConfig Kafka client settings (bootstrap servers, security)
   * @param groupId the consumer group; one member at a time gets the single request partition
   * @param requests the fine-tuning request topic
   * @param modelVersions the model-versions topic
   * @param job runs the requests, one at a time, and follows the rollbacks
   */
  public FineTuneWorker(
      Map<String, Object> clientConfig,
      String groupId,
      String requests,
      String modelVersions,
      FineTuner job) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.groupId = groupId;
    this.requests = requests;
    this.modelVersions = modelVersions;
    this.job = job;
  }

  /** Subscribes and starts the consumer thread. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // as the Streams members: a dead trainer's request partition moves in ~10 s, not the 45 s
    // default
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(requests, modelVersions));
    running.set(true);
    thread = new Thread(this::loop, "fine-tune-requests");
    thread.setDaemon(true);
    thread.start();
  }

  /** Fine-tuning runs this worker has started (a replaced request is never started). */
  public synchronized long runs() {
    return runs;
  }

  /** The offset of the request waiting for the running one to end, or -1 when none waits. */
  long waitingOffset() {
    return waitingOffset;
  }

  private void loop() {
    try {
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(requests)) {
            receive(r);
          } else {
            follow(r);
          }
        }
        startNext();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("fine-tuning request worker stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** The newest request replaces the one waiting, keeping its fresh labels and urgency. */
  private void receive(ConsumerRecord<String, byte[]> r) {
    FineTuneRequest request;
    try {
      request = requestSerde.deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      LOG.warn("skipping fine-tuning request {}@{}: {}", r.topic(), r.offset(), e.getMessage());
      return; // committed with the next run's offset
    }
    waiting = waiting == null ? request : request.replacing(waiting, MAX_FRESH);
    waitingOffset = r.offset();
    preemptFor(waiting);
  }

  private void startNext() {
    if (run != null && !run.isDone()) {
      return;
    }
    if (run != null) {
      commit(runOffset + 1);
      run = null;
    }
    if (waiting == null) {
      return;
    }
    FineTuneRequest request = waiting;
    long offset = waitingOffset;
    waiting = null;
    waitingOffset = -1;
    LOG.info(
        "fine-tuning on {} fresh + {} replay, holdout {}: {}",
        request.fresh().count(),
        request.replay().count(),
        request.holdout().count(),
        request.feedback());
    synchronized (this) {
      runs++;
    }
    runOffset = offset;
    runUrgent = request.urgent();
    run =
        job.submit(request)
            .handle(
                (outcome, e) -> {
                  if (e != null) {
                    LOG.warn("fine-tune run failed: {}", e.toString());
                  }
                  return outcome;
                });
  }

  /** An urgent request (live accuracy fell) stops a routine run, so that it starts at once. */
  private void preemptFor(FineTuneRequest request) {
    if (run == null || run.isDone() || runUrgent || !request.urgent()) {
      return;
    }
    LOG.info("an urgent request pre-empts the routine run of offset {}", runOffset);
    job.cancelRunning();
  }

  private void follow(ConsumerRecord<String, byte[]> r) {
    try {
      ModelVersion event = versionSerde.decode(r.value());
      if (event.getStatus() == ModelStatus.ROLLED_BACK) {
        job.followRollback(event);
      }
    } catch (RuntimeException e) {
      LOG.warn("skipping model-versions {}@{}: {}", r.partition(), r.offset(), e.getMessage());
    }
    consumer.commitSync(
        Map.of(
            new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
  }

  private void commit(long offset) {
    consumer.commitSync(Map.of(new TopicPartition(requests, 0), new OffsetAndMetadata(offset)));
  }

  /** Stops taking requests; a run in progress is the job's to finish (close the job after). */
  @Override
  public synchronized void close() {
    ConsumerThreads.stop(running, consumer, thread);
    thread = null;
  }
}
