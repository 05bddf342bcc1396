package org.mgm.sweep;

import java.util.List;
import org.mgm.runtime.Progress;

/** The cells one after another in this JVM, in grid order (today's behaviour, the default). */
public final class LocalEngine implements Engine {
  @Override
  public void run(List<Cell> cells) throws Exception {
    try (Progress progress = Progress.start("cells", cells.size())) {
      for (Cell c : cells) {
        CellExecution.runOne(c);
        progress.step();
      }
    }
  }
}
