package org.mgm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.experiments.timeseries.PriceDemandCsv;
import org.mgm.experiments.timeseries.SyntheticMarket;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/**
 * {@code mgm timeseries pretrain-mixer | run | table}: short real runs write what the docs promise,
 * and every bad input is one line naming the file, line or value, exit 2, with nothing written.
 */
class TimeSeriesRunCliTest {
  private static boolean isEmpty(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  @Test
  void badInputsAreOneLineAndWriteNothing(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("runs");
    Path threeColumns = tmp.resolve("three.csv");
    Files.writeString(threeColumns, "a,b,c\n1,2,3\n4,5,6\n");
    Path text = tmp.resolve("text.csv");
    Files.writeString(text, PriceDemandCsv.HEADER + "\n1,2,3,4\n1,2,x,4\n");
    Path shortFile = tmp.resolve("short.csv");
    PriceDemandCsv.write(shortFile, SyntheticMarket.generate(20, 1));
    String o = out.toString();
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "low-7", "--method", "baseline",
        "--quick", "--out", o), "low-7");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "cx", "--quick",
        "--out", o), "cx");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "baseline",
        "--data", threeColumns.toString(), "--out", o), "three.csv");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "baseline",
        "--data", text.toString(), "--out", o), "text.csv", "3", "x");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "baseline",
        "--data", shortFile.toString(), "--out", o), "short.csv");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "cm",
        "--mixer", tmp.resolve("no-mixer").toString(), "--quick", "--out", o), "no-mixer");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "run", "--scenario", "full", "--method", "baseline",
        "--alpha", "1.5", "--out", o), "--alpha");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "pretrain-mixer", "--variant", "cz", "--out", o), "cz");
    CliRunner.assertUsageError(CliRunner.run("timeseries", "table", "--scenarios", "full,middle", "--out", o), "middle");
    assertTrue(isEmpty(out), "nothing written for bad input");
  }

  @Test
  void quickRunWritesSamplesPlotsAndResult(@TempDir Path tmp) throws Exception {
    CliRunner.Outcome o = CliRunner.run("timeseries", "run", "--scenario", "low-64", "--method", "baseline",
        "--quick", "--out", tmp.toString(), "--json");
    assertEquals(0, o.code(), o.err());
    Path run;
    try (Stream<Path> s = Files.list(tmp)) {
      run = s.filter(p -> p.getFileName().toString().startsWith("timeseries-low-64-baseline")).findFirst().orElseThrow();
    }
    for (String f : List.of("metrics.csv", "samples.npy", "days.png", "autocorrelation.png", "result.json")) {
      assertTrue(Files.size(run.resolve(f)) > 0, f);
    }
    HostTensor samples = Npy.read(run.resolve("samples.npy"));
    assertEquals(List.of(249L, 24L, 1L), List.of(samples.shape()[0], samples.shape()[1], samples.shape()[2]));
    assertTrue(o.out().contains("\"scenario\": \"low-64\""), o.out());
    assertTrue(Files.readString(run.resolve("metrics.csv")).startsWith("iteration,w_agent,w_mixer,ace_train"));
  }

  @Test
  void quickTableWritesOneRowPerCell(@TempDir Path tmp) throws Exception {
    Path mixer = tmp.resolve("mixer-cm");
    CliRunner.Outcome p = CliRunner.run("timeseries", "pretrain-mixer", "--variant", "cm", "--quick", "--save",
        mixer.toString(), "--out", tmp.resolve("runs").toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(Files.exists(mixer.resolve("decoder.weight_ih_l0.npy")));
    Path results = tmp.resolve("results");
    CliRunner.Outcome o = CliRunner.run("timeseries", "table", "--quick", "--runs", "2", "--scenarios", "low-64",
        "--methods", "baseline,cm", "--mixer", mixer.toString(), "--results", results.toString(), "--out",
        tmp.resolve("runs").toString());
    assertEquals(0, o.code(), o.err());
    List<String> csv = Files.readAllLines(results.resolve("table-2.csv"));
    assertEquals("model,scenario,ace_mean,ace_std,runs", csv.get(0));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("COT-GAN,low-64,") && csv.get(1).endsWith(",2"), csv.get(1));
    assertTrue(csv.get(2).startsWith("COT-GAN-CM,low-64,"), csv.get(2));
    assertTrue(Files.readString(results.resolve("table-2.md")).contains("| COT-GAN-CM |"));
    List<String> trainings = Files.readAllLines(results.resolve("trainings.csv"));
    assertEquals(List.of("model", "scenario", "seed", "ace", "kept_iteration", "ms_per_iteration"),
        List.of(trainings.get(0).split(",")));
    assertEquals(5, trainings.size(), "2 trainings x 2 methods: " + trainings);
    assertTrue(trainings.get(2).startsWith("COT-GAN,low-64,2,"), trainings.get(2));

    // Rebuilt from the trainings' result.json files, the table is the same.
    Path tableRun;
    try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
      tableRun = s.filter(d -> d.getFileName().toString().startsWith("timeseries-table-2")).findFirst().orElseThrow();
    }
    Path rebuilt = tmp.resolve("rebuilt");
    CliRunner.Outcome r = CliRunner.run("timeseries", "table", "--from", tableRun.toString(), "--results",
        rebuilt.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(csv, Files.readAllLines(rebuilt.resolve("table-2.csv")));
  }
}
