package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.experiments.market.MarketPaths;

/**
 * {@code mgm market simulate} and {@code calibrate} end to end on a small market: the truth
 * written beside the paths, a short calibration's run directory, and every bad input of the
 * command answered by one line, exit 2, nothing written.
 */
class MarketCliTest {
  private static final String[] SMALL = {"--set", "warmup=10", "--set", "window=12"};

  @Test
  void simulateThenCalibrateWritesTheRunDirectory(@TempDir Path dir) throws Exception {
    Path paths = dir.resolve("paths.csv");
    CliRunner.Outcome sim = CliRunner.run(concat(new String[] {"market", "simulate", "--paths", "64", "--out",
        paths.toString()}, SMALL));
    assertEquals(0, sim.code(), sim.err());
    float[][] data = MarketPaths.read(paths);
    assertEquals(64, data.length);
    assertEquals(13, data[0].length);
    String truth = Files.readString(MarketPaths.truthFile(paths));
    assertTrue(truth.contains("\"window\": 12") && truth.contains("\"technical_windows\": \""), truth);

    for (String method : List.of("gan", "moments")) {
      Path out = dir.resolve("runs-" + method);
      CliRunner.Outcome cal = CliRunner.run("market", "calibrate", "--data", paths.toString(), "--method", method,
          "--iterations", "30", "--batch", "64", "--init-seed", "2", "--out", out.toString(), "--json");
      assertEquals(0, cal.code(), cal.err());
      Path run;
      try (Stream<Path> s = Files.list(out)) {
        run = s.findFirst().orElseThrow();
      }
      for (String f : List.of("metrics.csv", "parameters.png", "paths.png", "result.json")) {
        assertTrue(Files.size(run.resolve(f)) > 0, method + ": " + f);
      }
      String json = Files.readString(run.resolve("result.json"));
      assertTrue(json.contains("\"true\": 1.0") && json.contains("\"recovered\"") && json.contains("\"path_error\""),
          json);
      // 30 updates moved the parameters away from their N(0, 1) start, and metrics has one row per 10.
      List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
      assertEquals(1 + 4, rows.size(), rows.toString());
      String[] header = rows.get(0).split(",");
      int b = List.of(header).indexOf("b");
      assertTrue(b > 0, rows.get(0));
      assertFalse(rows.get(1).split(",")[b].equals(rows.get(4).split(",")[b]), "b moved: " + rows);
    }
  }

  @Test
  void severalInitialisationsAreASweepOfCells(@TempDir Path dir) throws Exception {
    Path paths = dir.resolve("paths.csv");
    assertEquals(0, CliRunner.run(concat(new String[] {"market", "simulate", "--paths", "64", "--out", paths.toString()},
        SMALL)).code());
    Path out = dir.resolve("runs");
    CliRunner.Outcome sweep = CliRunner.run(concat(new String[] {"market", "calibrate", "--data", paths.toString(),
        "--iterations", "20", "--batch", "64", "--init-seed", "1,2", "--out", out.toString()}, SMALL));
    assertEquals(0, sweep.code(), sweep.err());
    Path run;
    try (Stream<Path> s = Files.list(out)) {
      run = s.findFirst().orElseThrow();
    }
    assertTrue(run.getFileName().toString().startsWith("market-gan-inits-"), run.toString());
    List<String> csv = Files.readAllLines(run.resolve("calibrations.csv"));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(0).startsWith("init_seed,b,c,d,relative_error_b"), csv.get(0));
    for (int seed = 1; seed <= 2; seed++) {
      assertTrue(csv.get(seed).startsWith(seed + ","), csv.toString());
      // each cell is the single calibration from that seed, as its own run directory holds it
      String cell = Files.readString(run.resolve("init-" + seed).resolve("result.json"));
      assertTrue(cell.contains("\"init_seed\": " + seed), cell);
      assertTrue(Files.exists(run.resolve("init-" + seed).resolve("result.sha256")));
    }
    assertTrue(sweep.out().contains("init_seed=2 "), sweep.out());
  }

  @Test
  void badInputIsOneLineExitTwoAndWritesNothing(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.csv");
    assertEquals(0, CliRunner.run(concat(new String[] {"market", "simulate", "--paths", "8", "--out", good.toString()},
        SMALL)).code());
    Path ragged = write(dir, "ragged.csv", "100,101,102\n100,101\n");
    Path text = write(dir, "text.csv", "100,101,102\n100,abc,102\n");
    Path negative = write(dir, "negative.csv", "100,101,102\n100,-3,102\n");
    Path zero = write(dir, "zero.csv", "100,101,102\n100,0,102\n");
    Path out = dir.resolve("runs");
    String[] calibrate = {"market", "calibrate", "--out", out.toString(), "--iterations", "2"};
    assertBad(concat(calibrate, "--data", ragged.toString()), "ragged.csv:2", "2 prices", "first row has 3");
    assertBad(concat(calibrate, "--data", text.toString()), "text.csv:2", "column 2", "abc");
    assertBad(concat(calibrate, "--data", negative.toString()), "negative.csv:2", "not a positive price");
    assertBad(concat(calibrate, "--data", zero.toString()), "zero.csv:2", "not a positive price");
    assertBad(concat(calibrate, "--data", good.toString()), "good.csv", "8 paths", "fewer than one batch of 1000");
    assertBad(concat(calibrate, "--data", dir.resolve("missing.csv").toString()), "missing.csv", "no such file");
    assertBad(concat(calibrate, "--data", good.toString(), "--batch", "8", "--set", "window=20"), "good.csv",
        "13 prices", "window=12");
    assertBad(concat(calibrate, "--data", good.toString(), "--method", "bayes"), "unknown calibration method",
        "bayes");
    assertBad(concat(calibrate, "--data", good.toString(), "--batch", "8", "--discriminator-input", "volume"),
        "volume");
    assertBad(concat(calibrate, "--data", good.toString(), "--batch", "8", "--init-seed", "1,x"), "--init-seed",
        "'x'");
    assertFalse(Files.exists(out), "nothing written for bad input");

    Path sim = dir.resolve("sim.csv");
    String[] simulate = {"market", "simulate", "--out", sim.toString()};
    assertBad(concat(simulate, "--set", "gamma=3"), "unknown market setting 'gamma'");
    assertBad(concat(simulate, "--set", "impact=2"), "impact", "0 < rho < 1");
    assertBad(concat(simulate, "--set", "window=x"), "window", "expected an integer", "'x'");
    assertBad(concat(simulate, "--set", "tied"), "expected KEY=VALUE");
    assertBad(concat(simulate, "--paths", "0"), "--paths", "positive integer");
    assertBad(new String[] {"market", "simulate", "--out", dir.toString()}, "is a directory");
    assertFalse(Files.exists(sim) || Files.exists(MarketPaths.truthFile(sim)), "nothing written for bad input");
  }

  private static void assertBad(String[] args, String... fragments) {
    CliRunner.assertUsageError(CliRunner.run(args), fragments);
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

}
