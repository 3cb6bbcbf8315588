package io.vitstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslPlainTest {

  @Test
  void shouldSplitAtTheFirstColonAndKeepThePasswordOutOfToString() {
    // When parsing a password that has a colon
    SaslPlain user = SaslPlain.parse("alice:pa:ss");

    // Then the user is before the first colon, and toString names only the user
    assertThat(user).isEqualTo(new SaslPlain("alice", "pa:ss"));
    assertThat(user.toString()).contains("alice").doesNotContain("pa:ss");
    assertThat(user.clientProperties())
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"alice\" password=\"pa:ss\";");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"nocolon", ":pw", "a b:pw", "user=x:pw", "alice:", "alice:a\"b", "a:b\\c"})
  void shouldRefuseWhatCannotSitInAJaasConfig(String value) {
    assertThatThrownBy(() -> SaslPlain.parse(value)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldListenWithSaslPlaintextAndAcceptOnlyTheGivenUser() {
    // When the broker's settings are built for a SASL/PLAIN user
    var props =
        EmbeddedKafka.serverProperties(
            9092, 9093, Path.of("logs"), Optional.of(new SaslPlain("alice", "pw")));

    // Then the client listener, and the listener between brokers, is SASL_PLAINTEXT with PLAIN
    assertThat(props.getProperty("listeners"))
        .isEqualTo("SASL_PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
    assertThat(props.getProperty("inter.broker.listener.name")).isEqualTo("SASL_PLAINTEXT");
    assertThat(props.getProperty("sasl.enabled.mechanisms")).isEqualTo("PLAIN");
    assertThat(props.getProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config"))
        .endsWith("username=\"alice\" password=\"pw\" user_alice=\"pw\";");
    // And without one it stays PLAINTEXT
    assertThat(
            EmbeddedKafka.serverProperties(9092, 9093, Path.of("logs"), Optional.empty())
                .getProperty("listener.security.protocol.map"))
        .isEqualTo("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
  }
}
