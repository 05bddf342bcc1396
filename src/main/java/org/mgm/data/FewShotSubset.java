package org.mgm.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.mgm.runtime.AtomicFiles;

/**
 * The k training images of a few-shot run, drawn by seed from a folder's files (in name order) and
 * saved with the run, so that FSGAN and FreezeD with and without mixer feedback see the same shots.
 */
public final class FewShotSubset {
  private FewShotSubset() {}

  public static List<Path> choose(List<Path> files, int shots, long seed) {
    if (shots < 1 || shots > files.size()) {
      throw new IllegalArgumentException("cannot choose " + shots + " shots from " + files.size() + " images");
    }
    List<Path> shuffled = new ArrayList<>(files);
    Collections.shuffle(shuffled, new Random(seed));
    List<Path> chosen = new ArrayList<>(shuffled.subList(0, shots));
    Collections.sort(chosen);
    return chosen;
  }

  /** One file name per line. */
  public static void save(Path file, List<Path> chosen) throws IOException {
    StringBuilder b = new StringBuilder();
    for (Path p : chosen) {
      b.append(p.getFileName()).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }
}
