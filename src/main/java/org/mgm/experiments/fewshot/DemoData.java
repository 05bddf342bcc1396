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
    write(root.resolve(TRAIN), Domain.TARGET, train, 11);
    write(root.resolve(TEST), Domain.TARGET, test, 12);
    write(root.resolve(MIXER_REAL), Domain.STRIPED, mixerReal, 13);
  }

  /** One folder, written under a temporary name and renamed, so a folder that exists is whole. */
  static void write(Path dir, Domain domain, int n, long seed) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    LOG.info("rendering {} {} images into {}", n, domain.name().toLowerCase(java.util.Locale.ROOT), dir);
    Path tmp = dir.resolveSibling("." + dir.getFileName() + ".tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    HostTensor images = DemoDomains.sample(domain, n, seed, null);
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
