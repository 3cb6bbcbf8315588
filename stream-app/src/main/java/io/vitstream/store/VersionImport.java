package io.vitstream.store;

import io.vitstream.checkpoint.Checkpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/** {@link ModelStore#importVersion}: a version made elsewhere, checked, then renamed into place. */
final class VersionImport {
  private VersionImport() {}

  static boolean into(
      Path modelDir,
      Path target,
      String name,
      int version,
      byte[] manifestJson,
      List<byte[]> weightParts) {
    if (Files.isRegularFile(target.resolve(ModelStore.MANIFEST))) {
      return false;
    }
    String refusal = "refusing to import model " + name + ":" + version + ": ";
    try {
      Files.createDirectories(modelDir);
      Path tmp = Files.createTempDirectory(modelDir, ".import-" + version + "-");
      try {
        Path manifestFile = tmp.resolve(ModelStore.MANIFEST);
        Files.write(manifestFile, manifestJson);
        ModelManifest manifest = read(manifestFile, refusal);
        ManifestCheck.ofVersion(manifestFile, name, version, manifest);
        String sha = writeParts(tmp.resolve(Checkpoints.WEIGHTS), weightParts);
        if (!sha.equalsIgnoreCase(manifest.sha256())) {
          throw new StoreException(
              refusal
                  + "the weights' sha256 is "
                  + sha
                  + " but the manifest says "
                  + manifest.sha256());
        }
        StoreJson.makeReadable(tmp);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
          ModelStore.deleteQuietly(tmp); // another writer finished it first
          return false;
        }
        return true;
      } catch (IOException | RuntimeException e) {
        ModelStore.deleteQuietly(tmp);
        throw e;
      }
    } catch (IOException e) {
      throw new StoreException(refusal + e.getMessage(), e);
    }
  }

  private static ModelManifest read(Path file, String refusal) {
    try {
      return StoreJson.read(file, ModelManifest.class);
    } catch (StoreException e) {
      throw new StoreException(refusal + e.getMessage(), e);
    }
  }

  /** Writes the parts one after another and returns the hex sha256 of the whole. */
  private static String writeParts(Path file, List<byte[]> parts) throws IOException {
    MessageDigest digest = Sha256.digest();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] part : parts) {
        digest.update(part);
        out.write(part);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
