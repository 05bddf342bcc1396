package org.mgm.sweep;

import java.util.List;
import org.mgm.runtime.Progress;

/** The cells one after another in this JVM, in grid order (today's behaviour, the default). */
public final class LocalEngine implements Engine {
  /** Registers the local engine under {@value SweepSettings#LOCAL}. */
  public static final class Provider implements EngineProvider {
    @Override
    public String name() {
      return SweepSettings.LOCAL;
    }

    @Override
    public Engine open(SweepSettings settings, java.nio.file.Path outputDir) {
      return new LocalEngine();
    }
  }

  @Override
  public void run(List<Cell> cells) throws Exception {
    CellExecution.checkAll(cells);
    try (Progress progress = Progress.start("cells", cells.size())) {
      for (Cell c : cells) {
        CellExecution.runOne(c);
        progress.step();
      }
    }
  }
}
