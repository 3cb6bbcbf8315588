package io.vitstream.publish;

import io.vitstream.image.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Image files, and folders of them (recursively, sorted by path): {@code .png}, {@code .jpg},
 * {@code .jpeg}, and raw 8-bit pixels named {@code <name>.<H>x<W>x<C>.raw} (HWC). The id is the
 * file name; the label is the parent folder's name when the folder was given (class-per-folder
 * layout), else unknown.
 */
public record FileImageSource(List<Path> paths) implements ImageSource {
  private static final Pattern RAW = Pattern.compile(".*\\.(\\d+)x(\\d+)x(\\d+)\\.raw");

  public FileImageSource {
    paths = List.copyOf(paths);
  }

  @Override
  public List<SourceImage> read(int limit) throws IOException {
    List<SourceImage> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(p)) {
          files = walk.filter(FileImageSource::isImage).sorted().toList();
        }
        for (Path f : files) {
          if (out.size() >= limit) {
            return out;
          }
          Optional<String> label =
              f.getParent().equals(p)
                  ? Optional.empty()
                  : Optional.of(f.getParent().getFileName().toString());
          out.add(load(f, label));
        }
      } else if (out.size() < limit) {
        if (!isImage(p)) {
          throw new IOException("not an image file (png, jpg, jpeg, HxWxC.raw): " + p);
        }
        out.add(load(p, Optional.empty()));
      }
    }
    return out;
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (name.endsWith(".png")
            || name.endsWith(".jpg")
            || name.endsWith(".jpeg")
            || RAW.matcher(name).matches());
  }

  private static SourceImage load(Path f, Optional<String> label) throws IOException {
    String name = f.getFileName().toString();
    byte[] bytes = Files.readAllBytes(f);
    Matcher m = RAW.matcher(name.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      var raw =
          new RawImage(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)),
              bytes);
      return SourceImage.pixels(name, raw, label);
    }
    return SourceImage.encoded(name, bytes, label);
  }
}
