package io.vitstream.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One SASL/PLAIN user: what {@link EmbeddedKafka} accepts on its SASL_PLAINTEXT listener, and the
 * three client settings that log in as that user.
 *
 * @param user letters, digits, dot, dash or underscore (it becomes a JAAS option name)
 * @param password not empty, without double quotes or backslashes (it sits in a JAAS string)
 */
public record SaslPlain(String user, String password) {
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  public SaslPlain {
    if (user == null || !USER.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "SASL user must be 1-64 of [A-Za-z0-9._-], got '" + user + "'");
    }
    if (password == null
        || password.isEmpty()
        || password.contains("\"")
        || password.contains("\\")) {
      throw new IllegalArgumentException(
          "SASL password must be non-empty, without double quotes or backslashes");
    }
  }

  /**
   * Parses {@code USER:PASSWORD} (the password may contain colons).
   *
   * @throws IllegalArgumentException without a colon, or for a bad user or password
   */
  public static SaslPlain parse(String userColonPassword) {
    int colon = userColonPassword.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected USER:PASSWORD, got no colon");
    }
    return new SaslPlain(
        userColonPassword.substring(0, colon), userColonPassword.substring(colon + 1));
  }

  /** The client login: {@code sasl.jaas.config} for this user. */
  public String clientJaasConfig() {
    return LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";";
  }

  /**
   * The broker's login module: it logs in as this user between brokers and accepts this user (and
   * only this one) from clients.
   */
  String brokerJaasConfig() {
    return LOGIN_MODULE
        + " required username=\""
        + user
        + "\" password=\""
        + password
        + "\" user_"
        + user
        + "=\""
        + password
        + "\";";
  }

  /** The client settings, in this order: security.protocol, sasl.mechanism, sasl.jaas.config. */
  public Map<String, String> clientProperties() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("security.protocol", "SASL_PLAINTEXT");
    m.put("sasl.mechanism", "PLAIN");
    m.put("sasl.jaas.config", clientJaasConfig());
    return Collections.unmodifiableMap(m);
  }

  /** Keeps the password out of logs and exception messages. */
  @Override
  public String toString() {
    return "SaslPlain[user=" + user + "]";
  }
}
