package org.mgm.sweep.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.cli.CliRunner;
import org.mgm.sweep.Engines;

/**
 * The same synthetic table with its cells as tasks of an embedded Spark ({@code local[2]}, two
 * cells at once) and one after another in this process: the same JSON, bit for bit.
 */
class SparkLocalTableTest {
  private static final String[] TABLE = {"synthetic", "table", "--scenario", "low-32", "--mode", "combined",
      "--betas", "0.3,0.7", "--quick", "--set", "agent.iterations=40", "--set", "eval.log_every=20", "--json"};

  @TempDir
  Path tmp;

  @Test
  void anEmbeddedSparkPrintsTheTableTheLocalEnginePrints() {
    assertTrue(Engines.available().containsKey("spark"), Engines.available().keySet().toString());
    CliRunner.Outcome local = CliRunner.run(with("--out", tmp.resolve("local").toString()));
    assertEquals(0, local.code(), local.err());
    CliRunner.Outcome spark = CliRunner.run(with("--out", tmp.resolve("spark").toString(), "--engine", "spark",
        "--master", "local[2]"));
    assertEquals(0, spark.code(), spark.err());
    assertEquals(json(local.out()), json(spark.out()));
  }

  private static String[] with(String... more) {
    return Stream.concat(Stream.of(TABLE), Stream.of(more)).toArray(String[]::new);
  }

  /** The JSON object stdout ends with (a table run prints only it with --json). */
  private static String json(String out) {
    List<String> lines = out.lines().toList();
    int start = lines.indexOf("{");
    return String.join("\n", lines.subList(Math.max(0, start), lines.size()));
  }
}
