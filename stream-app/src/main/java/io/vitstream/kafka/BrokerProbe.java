package io.vitstream.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.utils.Utils;

/**
 * Checks that the Kafka cluster answers before the app starts, in bounded time. Without it a Kafka
 * client retries an unreachable broker for ever, logging a warning every second.
 *
 * <p>A probe first opens a plain TCP connection to a bootstrap address, retrying every half second
 * (silently: no Kafka client exists yet), then asks an admin client to describe the cluster, with
 * its request and API timeouts set to the time left, so that TLS, SASL and a broker that is not
 * ready yet are covered too.
 */
public final class BrokerProbe {
  /** How long one probe waits; also the interval of the status lines while waiting for ever. */
  public static final Duration ROUND = Duration.ofSeconds(15);

  private static final long RETRY_MS = 500;
  private static final long MIN_ADMIN_MS = 2_000;

  private final Map<String, Object> clientConfig;
  private final String servers;
  private final Duration round;

  /**
   * @param clientConfig the Kafka client settings, {@code bootstrap.servers} among them
   */
  public BrokerProbe(Map<String, Object> clientConfig) {
    this(clientConfig, ROUND);
  }

  BrokerProbe(Map<String, Object> clientConfig, Duration round) {
    this.clientConfig = Map.copyOf(clientConfig);
    this.servers = String.valueOf(clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.round = round;
  }

  /**
   * Probes until the cluster answers or {@code wait} has passed, one round ({@link #ROUND}) at a
   * time.
   *
   * @param wait the longest wait; zero waits for ever
   * @param status gets a line after every round that failed but is not the last
   * @return the number of brokers in the cluster
   * @throws BrokerUnreachableException once {@code wait} has passed
   */
  public int await(Duration wait, Consumer<String> status) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      Duration timeout = wait.isZero() ? round : min(round, wait.minus(waited));
      try {
        return probe(timeout);
      } catch (BrokerUnreachableException e) {
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        String line =
            String.format(
                Locale.ROOT,
                "cannot reach Kafka at %s after %d s (%s)",
                servers,
                seconds,
                e.getMessage());
        if (!wait.isZero() && Duration.ofNanos(System.nanoTime() - start).compareTo(wait) >= 0) {
          throw new BrokerUnreachableException(line);
        }
        status.accept(line + "; still trying");
      }
    }
  }

  /**
   * One probe.
   *
   * @return the number of brokers in the cluster
   * @throws BrokerUnreachableException with the reason alone, when nothing answered in time
   */
  public int probe(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    connect(deadline);
    long adminMs = Math.max(MIN_ADMIN_MS, remainingMs(deadline));
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) adminMs);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) adminMs);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "vitstream-broker-probe");
    Admin admin = Admin.create(c);
    try {
      DescribeClusterResult cluster = admin.describeCluster();
      return cluster.nodes().get(adminMs, TimeUnit.MILLISECONDS).size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException denied) {
        throw denied; // the broker answered: retrying cannot fix the credentials
      }
      throw new BrokerUnreachableException(e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new BrokerUnreachableException("no answer to describeCluster");
    } finally {
      // close() would wait for the pending call's own timeout; fail it at once instead
      admin.close(Duration.ZERO);
    }
  }

  /** Waits for a TCP connection to any bootstrap address. */
  private void connect(long deadline) throws InterruptedException {
    List<InetSocketAddress> addresses = addresses();
    String reason = "no answer";
    while (true) {
      for (InetSocketAddress a : addresses) {
        try (Socket s = new Socket()) {
          s.connect(a, (int) Math.max(1, Math.min(1_000, remainingMs(deadline))));
          return;
        } catch (UnknownHostException e) {
          reason = "unknown host " + a.getHostString();
        } catch (SocketTimeoutException e) {
          // a connect cut short by the deadline says less than what an earlier try found
          reason = reason.equals("no answer") ? "no answer to a TCP connect" : reason;
        } catch (IOException e) {
          reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new BrokerUnreachableException(reason.toLowerCase(Locale.ROOT));
      }
      Thread.sleep(Math.min(RETRY_MS, remainingMs(deadline) + 1));
    }
  }

  private List<InetSocketAddress> addresses() {
    List<InetSocketAddress> list = new ArrayList<>();
    for (String s : servers.split(",")) {
      String host = Utils.getHost(s.trim());
      Integer port = Utils.getPort(s.trim());
      if (host == null || port == null) {
        throw new BrokerUnreachableException("bad address '" + s.trim() + "': use host:port");
      }
      list.add(new InetSocketAddress(host, port)); // unresolved when the name is unknown
    }
    return list;
  }

  private static long remainingMs(long deadline) {
    return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
