package io.vitstream.artifact;

import io.vitstream.avro.ArtifactKind;
import io.vitstream.avro.ModelArtifact;
import io.vitstream.store.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The records of one version read so far, the latest per key, and their checks. The version is
 * complete once its header and every chunk the header counts are in; the header is published after
 * the chunks, so in a partition read in order it normally arrives last.
 */
final class VersionAssembly {
  private final String name;
  private final int version;
  private final String prefix;
  private final Map<Integer, ModelArtifact> chunks = new HashMap<>();
  private ModelArtifact header;

  VersionAssembly(String name, int version) {
    this.name = name;
    this.version = version;
    this.prefix = ArtifactKeys.versionPrefix(name, version);
  }

  /** Whether a record with this key belongs to the version. */
  boolean wants(String key) {
    return key.startsWith(prefix);
  }

  void add(ModelArtifact record) {
    if (record.getKind() == ArtifactKind.HEADER) {
      header = record;
    } else if (record.getKind() == ArtifactKind.CHUNK) {
      chunks.put(record.getIndex(), record);
    }
  }

  boolean complete() {
    if (header == null || header.getChunkCount() == null) {
      return false;
    }
    for (int i = 0; i < header.getChunkCount(); i++) {
      if (!chunks.containsKey(i)) {
        return false;
      }
    }
    return true;
  }

  /** What is missing, for a message: the header, or how many chunks. */
  String missing() {
    if (header == null || header.getChunkCount() == null) {
      return "no header yet, " + chunks.size() + " chunk(s) read";
    }
    int n = header.getChunkCount();
    long have = chunks.keySet().stream().filter(i -> i < n).count();
    return have + " of " + n + " chunks read";
  }

  /** The manifest.json of a complete version, after its own check. */
  byte[] manifest() {
    byte[] data = bytes(header);
    check(header, data, "manifest");
    return data;
  }

  /**
   * The weights' chunks of a complete version in order, each checked against its own sha256, their
   * sizes against the header, and the whole against the header's sha256.
   *
   * @throws ArtifactException at the first mismatch, in one line naming the record
   */
  List<byte[]> weights() {
    int n = header.getChunkCount();
    MessageDigest whole = Sha256.digest();
    List<byte[]> parts = new ArrayList<>(n);
    long total = 0;
    for (int i = 0; i < n; i++) {
      ModelArtifact chunk = chunks.get(i);
      byte[] data = bytes(chunk);
      check(chunk, data, Integer.toString(i));
      boolean last = i == n - 1;
      if (!last && header.getChunkBytes() != null && data.length != header.getChunkBytes()) {
        throw refusal(
            i + " has " + data.length + " bytes, the header says " + header.getChunkBytes());
      }
      whole.update(data);
      total += data.length;
      parts.add(data);
    }
    if (header.getWeightsBytes() != null && total != header.getWeightsBytes()) {
      throw refusal("manifest counts " + header.getWeightsBytes() + " bytes, the chunks " + total);
    }
    String sha = HexFormat.of().formatHex(whole.digest());
    if (!sha.equalsIgnoreCase(header.getWeightsSha256())) {
      throw refusal(
          "manifest says the weights' sha256 is "
              + header.getWeightsSha256()
              + " but the chunks give "
              + sha);
    }
    return parts;
  }

  private void check(ModelArtifact record, byte[] data, String part) {
    String sha = Sha256.hex(data);
    if (!sha.equalsIgnoreCase(record.getSha256())) {
      throw refusal(
          part + ": sha256 of the data is " + sha + " but the record says " + record.getSha256());
    }
  }

  private ArtifactException refusal(String what) {
    return new ArtifactException("refusing artifact " + prefix + what);
  }

  private static byte[] bytes(ModelArtifact record) {
    ByteBuffer b = record.getData().duplicate();
    byte[] data = new byte[b.remaining()];
    b.get(data);
    return data;
  }

  @Override
  public String toString() {
    return name + ":" + version;
  }
}
