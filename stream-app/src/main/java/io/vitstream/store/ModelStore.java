package io.vitstream.store;

import ai.djl.Device;
import io.vitstream.checkpoint.Checkpoints;
import io.vitstream.vit.Precision;
import io.vitstream.vit.VitModel;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A model repository directory, as TorchServe's and DJL Serving's {@code model-store}:
 *
 * <pre>
 * root/&lt;name&gt;/&lt;version&gt;/model.safetensors   weights under timm's names
 * root/&lt;name&gt;/&lt;version&gt;/manifest.json       {@link ModelManifest}, with the weights' sha256
 * root/&lt;name&gt;/promoted.json                 the promoted version and its history
 * </pre>
 *
 * <p>A version is written into a temp folder and renamed into place, so readers see all of it or
 * none; its number is reserved first, so a version is never overwritten. Loading verifies the
 * sha256 before any model is built. Names are checked by {@link ModelNames}.
 */
public final class ModelStore {
  static final String MANIFEST = "manifest.json";
  static final String PROMOTED = "promoted.json";

  private final Path root;

  private ModelStore(Path root) {
    this.root = root;
  }

  /**
   * Opens a store; nothing is read until asked. The folder is created on the first publish.
   *
   * @param root the store folder; may not be null
   */
  public static ModelStore open(Path root) {
    return new ModelStore(root.toAbsolutePath().normalize());
  }

  public Path root() {
    return root;
  }

  /** The models that have at least one version, sorted. */
  public List<String> names() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (isValidName(name) && !versions(name).isEmpty()) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + root + ": " + e.getMessage(), e);
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /** The complete versions of a model (those with a manifest), ascending; empty if unknown. */
  public List<Integer> versions(String name) {
    Path dir = modelDir(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> p.getFileName().toString().matches("[1-9][0-9]{0,8}"))
          .filter(p -> Files.isRegularFile(p.resolve(MANIFEST)))
          .map(p -> Integer.parseInt(p.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The promoted version, or empty when none has been promoted. */
  public OptionalInt promoted(String name) {
    Path file = modelDir(name).resolve(PROMOTED);
    if (!Files.isRegularFile(file)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(StoreJson.read(file, PromotedPointer.class).promoted());
  }

  /** The versions promoted so far that a rollback can return to, oldest first. */
  public List<Integer> promotionHistory(String name) {
    Path file = modelDir(name).resolve(PROMOTED);
    return Files.isRegularFile(file)
        ? StoreJson.read(file, PromotedPointer.class).history()
        : List.of();
  }

  /**
   * Reads a version's manifest.
   *
   * @throws StoreException when the version does not exist or its manifest is unreadable
   */
  public ModelManifest manifest(String name, int version) {
    return readManifest(name, version, "model " + name + ":" + version + ": ");
  }

  /** The manifest; a missing or broken one is reported after {@code context}. */
  private ModelManifest readManifest(String name, int version, String context) {
    Path dir = versionDir(name, version);
    if (!Files.isDirectory(dir)) {
      throw new StoreException("no version " + version + " of model '" + name + "' in " + root);
    }
    try {
      return StoreJson.read(dir.resolve(MANIFEST), ModelManifest.class);
    } catch (StoreException e) {
      throw new StoreException(context + e.getMessage(), e);
    }
  }

  /**
   * Loads a version, after checking its weights against the manifest's sha256.
   *
   * @param version the version; empty for the promoted one
   * @throws StoreException when the version is missing or incomplete, nothing is promoted, the
   *     manifest contradicts itself, or the weights do not match the manifest (the model is then
   *     never built, or closed again); the message is one line naming the file and the fault
   */
  public LoadedModel load(String name, OptionalInt version, Device device, Precision precision) {
    int v = resolve(name, version);
    ModelManifest manifest =
        readManifest(name, v, "refusing to load model " + name + ":" + v + ": ");
    ManifestCheck.ofVersion(versionDir(name, v).resolve(MANIFEST), name, v, manifest);
    Path weights = versionDir(name, v).resolve(Checkpoints.WEIGHTS);
    VitModel model = WeightsFile.load(weights, manifest, device, precision);
    return new LoadedModel(model, manifest);
  }

  /** The requested version, or the promoted one. */
  public int resolve(String name, OptionalInt version) {
    if (version.isPresent()) {
      return version.getAsInt();
    }
    return promoted(name)
        .orElseThrow(
            () ->
                new StoreException(
                    versions(name).isEmpty()
                        ? "no model '" + name + "' in " + root
                        : "model '" + name + "' has no promoted version; promote one first"));
  }

  /**
   * Publishes a model as the next version of {@code name}. It is not promoted.
   *
   * @return the new version
   * @throws StoreException when it cannot be written; no partial version is left behind
   */
  public int publish(String name, VitModel model, ModelCandidate candidate) {
    Path dir = modelDir(name);
    try {
      Files.createDirectories(dir);
      int version = reserveVersion(dir);
      Path target = dir.resolve(Integer.toString(version));
      Path tmp = Files.createTempDirectory(dir, ".tmp-" + version + "-");
      try {
        String sha = WeightsFile.write(tmp.resolve(Checkpoints.WEIGHTS), model);
        ModelManifest manifest =
            new ModelManifest(
                name,
                version,
                candidate.parentVersion(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                model.config(),
                candidate.labels(),
                candidate.preprocessing(),
                candidate.metrics(),
                candidate.provenance(),
                sha);
        StoreJson.write(tmp.resolve(MANIFEST), manifest);
        StoreJson.makeReadable(tmp);
        // Replaces only the empty folder that reserved the number.
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return version;
      } catch (IOException | RuntimeException e) {
        deleteQuietly(tmp);
        Files.deleteIfExists(target);
        throw e;
      }
    } catch (IOException e) {
      throw new StoreException("cannot publish model '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * The files of a complete version, for copying it elsewhere (e.g. to Kafka).
   *
   * @throws StoreException when the version is not complete in this store
   */
  public VersionFiles files(String name, int version) {
    Path dir = versionDir(name, version);
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new StoreException("no version " + version + " of model '" + name + "' in " + root);
    }
    return new VersionFiles(dir.resolve(MANIFEST), dir.resolve(Checkpoints.WEIGHTS));
  }

  /**
   * Adds a version made elsewhere under its own number, as {@link #publish} would have written it:
   * the manifest must describe {@code name:version} and the weights, concatenated in order, must
   * have the manifest's sha256. Written into a temp folder and renamed into place; a version that
   * is already complete here is left as it is.
   *
   * @param manifestJson the version's manifest.json
   * @param weightParts the parts of model.safetensors, in order
   * @return whether this call added the version
   * @throws StoreException in one line when the manifest or the weights do not check out; nothing
   *     is left behind
   */
  public boolean importVersion(
      String name, int version, byte[] manifestJson, List<byte[]> weightParts) {
    return VersionImport.into(
        modelDir(name), versionDir(name, version), name, version, manifestJson, weightParts);
  }

  /** Creates the folder of the next free number; creation fails if it exists, so none is reused. */
  private int reserveVersion(Path dir) throws IOException {
    int next = highestNumber(dir) + 1;
    while (true) {
      try {
        Files.createDirectory(dir.resolve(Integer.toString(next)));
        return next;
      } catch (FileAlreadyExistsException e) {
        next++;
      }
    }
  }

  private static int highestNumber(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("[1-9][0-9]{0,8}"))
          .mapToInt(Integer::parseInt)
          .max()
          .orElse(0);
    }
  }

  /**
   * Makes {@code version} the promoted version, remembering the previous one for rollback.
   *
   * @throws StoreException when the version does not exist
   */
  public void promote(String name, int version) {
    manifest(name, version); // exists and is readable
    List<Integer> history = promotionHistory(name);
    PromotedPointer current =
        history.isEmpty()
            ? new PromotedPointer(0, List.of())
            : new PromotedPointer(history.get(history.size() - 1), history);
    writePointer(name, current.promote(version));
  }

  /**
   * Restores the version promoted before the current one.
   *
   * @return the version now promoted
   * @throws StoreException when there is no earlier promotion to return to
   */
  public int rollback(String name) {
    List<Integer> history = promotionHistory(name);
    if (history.size() < 2) {
      throw new StoreException(
          "model '" + name + "' has no earlier promoted version to roll back to");
    }
    PromotedPointer back = new PromotedPointer(history.get(history.size() - 1), history).rollback();
    writePointer(name, back);
    return back.promoted();
  }

  private void writePointer(String name, PromotedPointer pointer) {
    try {
      StoreJson.write(modelDir(name).resolve(PROMOTED), pointer);
    } catch (IOException e) {
      throw new StoreException("cannot write " + PROMOTED + " of '" + name + "': " + e, e);
    }
  }

  private Path modelDir(String name) {
    Path dir = root.resolve(ModelNames.check(name)).normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException("model name '" + name + "' escapes the store");
    }
    return dir;
  }

  private Path versionDir(String name, int version) {
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1, got " + version);
    }
    return modelDir(name).resolve(Integer.toString(version));
  }

  private static boolean isValidName(String name) {
    try {
      ModelNames.check(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: a leftover .tmp- folder is never read as a version
    }
  }

  /**
   * Copies the model's folder from {@code source} into a new store at {@code target}.
   *
   * @throws IllegalArgumentException for an invalid name (see {@link ModelNames}) or a model that
   *     is not in {@code source}
   */
  public static ModelStore copyModel(Path source, String name, Path target) throws IOException {
    Path from = source.resolve(ModelNames.check(name));
    if (!Files.isDirectory(from)) {
      throw new IllegalArgumentException("no model " + name + " in " + source);
    }
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
        Path to = target.resolve(name).resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return ModelStore.open(target);
  }
}
