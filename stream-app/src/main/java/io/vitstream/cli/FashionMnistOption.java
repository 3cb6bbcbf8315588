package io.vitstream.cli;

import io.vitstream.dataset.FashionMnist;
import io.vitstream.dataset.LabeledImages;
import io.vitstream.dataset.Split;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --fashion-mnist DIR} option shared by the commands that stream its images. */
final class FashionMnistOption {
  @Option(
      names = "--fashion-mnist",
      paramLabel = "DIR",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Fashion-MNIST folder (default ${DEFAULT-VALUE})")
  Path dir;

  LabeledImages load(Split split) {
    return FashionMnist.load(dir, split);
  }
}
