package io.vitstream.cli;

import io.vitstream.app.AppConfig;
import io.vitstream.publish.FashionMnistSource;
import io.vitstream.publish.FileImageSource;
import io.vitstream.publish.ImagePublisher;
import io.vitstream.publish.ImageSource;
import io.vitstream.publish.PublishResult;
import io.vitstream.publish.SourceImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vitstream publish}: image files, folders, or the Fashion-MNIST test set. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Publish images to the images topic as ImageEvents.")
final class PublishCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions options;

  @Parameters(paramLabel = "PATH", description = "PNG/JPEG/HxWxC.raw files or folders of them")
  List<Path> paths = List.of();

  @Option(
      names = "--fashion-mnist",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = "/usr/share/datasets/fashion-mnist",
      description = "Publish the Fashion-MNIST test set from DIR (default ${DEFAULT-VALUE})")
  Path fashionMnist;

  @Option(names = "--limit", defaultValue = "2147483647", description = "At most this many")
  int limit;

  @Option(names = "--rate", defaultValue = "0", description = "Images per second, 0 = no limit")
  double rate;

  @Option(names = "--topic", description = "Topic (default: the config's topic.images)")
  String topic;

  @Option(
      names = "--delivery-timeout",
      paramLabel = "SECONDS",
      defaultValue = "120",
      description =
          "How long each image may take to be acknowledged, retries and the wait for the broker"
              + " included (delivery.timeout.ms and max.block.ms; default ${DEFAULT-VALUE})")
  long deliveryTimeoutSeconds;

  @Option(names = "--no-progress", description = "No progress bar")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (fashionMnist == null && paths.isEmpty()) {
      throw new IllegalArgumentException(
          "nothing to publish: give files, folders or --fashion-mnist");
    }
    AppConfig config = options.load(Map.of());
    ImageSource source =
        fashionMnist != null ? new FashionMnistSource(fashionMnist) : new FileImageSource(paths);
    List<SourceImage> images = source.read(limit);
    String target = topic != null ? topic : config.inference().topics().images();
    var progress = new Progress(spec.commandLine().getErr(), images.size());
    PublishResult result =
        new ImagePublisher(
                config.clientConfig(), target, rate, Duration.ofSeconds(deliveryTimeoutSeconds))
            .publish(images, noProgress ? n -> {} : progress::update);
    spec.commandLine()
        .getOut()
        .printf(
            "published %d/%d images to %s%n", result.acknowledged(), result.attempted(), target);
    for (PublishResult.Failure f : result.failures()) {
      spec.commandLine().getErr().printf("failed %d: %s%n", f.count(), f.describe());
    }
    return result.complete() ? 0 : 1;
  }
}
