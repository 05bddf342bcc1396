package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.sweep.CellCompletion;

/**
 * A synthetic table is a grid of cells, each in its own directory under the table's: a resumed
 * table keeps the confirmed cells, retrains a cell that is gone, re-evaluates one whose result
 * no longer matches its checksum, and prints the same table.
 */
class SyntheticTableCellsTest {
  private static final String[] TABLE = {"synthetic", "table", "--scenario", "low-32", "--mode", "combined",
      "--betas", "0.7", "--quick", "--set", "agent.iterations=40", "--set", "eval.log_every=20", "--json"};

  @TempDir
  Path tmp;

  @Test
  void aResumedTableRedoesOnlyWhatIsMissingAndPrintsTheSameTable() throws Exception {
    String[] args = Stream.concat(Stream.of(TABLE), Stream.of("--out", tmp.toString())).toArray(String[]::new);
    CliRunner.Outcome first = CliRunner.run(args);
    assertEquals(0, first.code(), first.err());
    Path table;
    try (Stream<Path> s = Files.list(tmp)) {
      table = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Path baseline = table.resolve("low-32-baseline");
    Path mgm = table.resolve("low-32-mgm-beta-0.70");
    assertTrue(CellCompletion.isDone(baseline) && CellCompletion.isDone(mgm), List.of(baseline, mgm).toString());

    // The baseline's result damaged after it was confirmed; the MGM cell's checksum lost.
    Files.writeString(baseline.resolve("result.json"), " ", java.nio.file.StandardOpenOption.APPEND);
    Files.delete(mgm.resolve(CellCompletion.CHECKSUM));
    CliRunner.Outcome resumed = CliRunner.run("resume", table.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(lastLine(first.out()), lastLine(resumed.out()));
    assertTrue(CellCompletion.isDone(baseline) && CellCompletion.isDone(mgm));
    assertTrue(Files.readString(baseline.resolve("result.json")).endsWith("}\n"), "the damaged result was rewritten");
    assertTrue(Files.readString(table.resolve("log.txt")).contains("training was complete at its checkpoint"),
        "the redone cells continue from their last checkpoint");
  }

  private static String lastLine(String out) {
    List<String> lines = out.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }
}
