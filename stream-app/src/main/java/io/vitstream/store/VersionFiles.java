package io.vitstream.store;

import java.nio.file.Path;

/**
 * Where a complete version's files are.
 *
 * @param manifest its {@code manifest.json}
 * @param weights its {@code model.safetensors}
 */
public record VersionFiles(Path manifest, Path weights) {}
