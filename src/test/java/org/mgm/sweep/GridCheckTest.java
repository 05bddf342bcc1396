package org.mgm.sweep;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.config.Config;
import org.mgm.experiments.synthetic.AgentRun;
import org.mgm.experiments.synthetic.SyntheticAgentCell;
import org.mgm.experiments.synthetic.SyntheticSetup;
import org.mgm.feedback.UpdateMode;

/** A grid with a cell that cannot be read stops before any cell has started. */
class GridCheckTest {
  @TempDir
  Path tmp;

  private Cell good(String id) {
    SyntheticSetup setup = SyntheticSetup.from(Config.load(Path.of("configs/synthetic.yaml")));
    return SyntheticAgentCell.of(id, setup, new AgentRun.Spec("low-32", 0, false, UpdateMode.COMBINED), tmp.resolve(id));
  }

  @Test
  void aCellWithABrokenConfigStopsTheGridFirst() {
    Cell first = good("first");
    Map<String, String> p = new java.util.TreeMap<>(first.params());
    p.put("config", "agent: [unclosed\n");
    Cell bad = new Cell("bad", first.kind(), p, tmp.resolve("bad").toString());
    Exception e = assertThrows(Exception.class, () -> new LocalEngine().run(List.of(first, bad)));
    assertTrue(e.getMessage().contains("cell bad"), e.getMessage());
    assertFalse(Files.exists(first.path()), "the good cell, first in the grid, did not start");
  }

  @Test
  void cellsOfUnknownKindOrSharedDirectoriesAreRefused() {
    Cell a = good("a");
    Cell unknown = new Cell("b", "no-such-kind", a.params(), tmp.resolve("b").toString());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CellExecution.checkAll(List.of(a, unknown)))
        .getMessage().contains("no cell kind 'no-such-kind'"));
    Cell twin = new Cell("c", a.kind(), a.params(), a.dir());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> CellExecution.checkAll(List.of(a, twin)))
        .getMessage().contains("cell c: its name or directory is another cell's"));
    assertFalse(Files.exists(a.path()));
  }
}
