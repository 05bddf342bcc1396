package org.mgm.experiments.fewshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.mgm.experiments.fewshot.DemoDomains.Domain;
import org.mgm.runtime.ImageGrid;
import org.mgm.tensor.HostTensor;

/**
 * The demo's image folders, rendered once: the few-shot target's training pool and held-out test
 * set, and the striped images the mixer critic D_B sees as real. Written as PNG folders so the
 * demo goes through the same loading path as a user's own photographs. Seeds differ from the ones
 * the shipped models were trained on.
 */
public final class DemoData {
  private static final Logger LOG = LogManager.getLogger(DemoData.class);
  public static final String TRAIN = "target-train";
  public static final String TEST = "target-test";
  public static final String MIXER_REAL = "striped";

  private DemoData() {}

  /** Renders the folders under {@code root} that do not exist yet. */
  public static void ensure(Path root, int train, int test, int mixerReal) throws IOException {
    ensure(root, train, test, mixerReal, 0);
  }

  /**
   * The same, D_B's real images striped animals of a system in which {@code targetShare} are the
   * target's kind (0: striped source animals only, the first demo's).
   */
  public static void ensure(Path root, int train, int test, int mixerReal, double targetShare) throws IOException {
    write(root.resolve(TRAIN), "target", () -> DemoDomains.sample(Domain.TARGET, train, 11, null));
    write(root.resolve(TEST), "target", () -> DemoDomains.sample(Domain.TARGET, test, 12, null));
    write(root.resolve(MIXER_REAL), "striped", targetShare > 0
        ? () -> DemoDomains.sampleStripedSystem(mixerReal, 13, targetShare)
        : () -> DemoDomains.sample(Domain.STRIPED, mixerReal, 13, null));
  }

  /** One folder, written under a temporary name and renamed, so a folder that exists is whole. */
  static void write(Path dir, String what, java.util.function.Supplier<HostTensor> render) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    HostTensor images = render.get();
    int n = (int) images.shape()[0];
    LOG.info("rendering {} {} images into {}", n, what, dir);
    Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    for (int i = 0; i < n; i++) {
      ImageGrid.writeOne(tmp.resolve(String.format("%05d.png", i)), images, i);
    }
    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
