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
 * Each kind of table with its cells as tasks of an embedded Spark ({@code local[2]}, two cells at
 * once) and one after another in this process: the same figures, bit for bit.
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
    assertEquals(CliRunner.jsonTail(local.out()), CliRunner.jsonTail(spark.out()));
  }

  @Test
  void anEmbeddedSparkGivesTheTimeSeriesTableTheLocalEngineGives() throws Exception {
    List<String> table = List.of("timeseries", "table", "--quick", "--runs", "2", "--scenarios", "low-64",
        "--methods", "baseline,cm");
    List<List<String>> csv = new java.util.ArrayList<>();
    for (String engine : List.of("local", "spark")) {
      List<String> args = new java.util.ArrayList<>(table);
      args.addAll(List.of("--out", tmp.resolve(engine).toString(), "--results", tmp.resolve(engine + "-table").toString(),
          "--engine", engine));
      CliRunner.Outcome o = CliRunner.run(args.toArray(String[]::new));
      assertEquals(0, o.code(), o.err());
      csv.add(java.nio.file.Files.readAllLines(tmp.resolve(engine + "-table").resolve("table-2.csv")));
    }
    assertEquals(3, csv.get(0).size(), csv.get(0).toString());
    assertEquals(csv.get(0), csv.get(1));
  }

  @Test
  void anEmbeddedSparkGivesTheFewShotTableTheLocalEngineGives() throws Exception {
    List<String> json = new java.util.ArrayList<>();
    for (String engine : List.of("local", "spark")) {
      Path out = tmp.resolve("fewshot-" + engine);
      CliRunner.Outcome o = CliRunner.run("fewshot", "run", "--config", "configs/fewshot-demo.yaml", "--quick", "--set",
          "methods=[fsgan]", "--out", out.toString(), "--engine", engine);
      assertEquals(0, o.code(), o.err());
      try (Stream<Path> s = java.nio.file.Files.list(out)) {
        json.add(java.nio.file.Files.readString(s.findFirst().orElseThrow().resolve("table-fewshot.json")));
      }
    }
    assertTrue(json.get(0).contains("\"FSGAN-A\""), json.get(0));
    assertEquals(json.get(0), json.get(1));
  }

  private static String[] with(String... more) {
    return Stream.concat(Stream.of(TABLE), Stream.of(more)).toArray(String[]::new);
  }
}
