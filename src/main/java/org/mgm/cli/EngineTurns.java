package org.mgm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The engines of a benchmark command taking turns: each engine once per repeat, in the same
 * order, so that a machine that slows down part-way slows every engine alike; each engine's row
 * is the median of its repeats.
 */
final class EngineTurns {
  /** One engine's job: a child process that prints one RESULT line. */
  record Engine(String name, Callable<Map<String, Object>> job) {
    /** {@code mgm <args>} in a child JVM. */
    static Engine java(String name, List<String> mgmArgs) {
      List<String> args = List.copyOf(mgmArgs);
      return new Engine(name, () -> BenchmarkJobs.javaJob(args));
    }

    /** A Python script with the given interpreter. */
    static Engine python(String name, Path interpreter, List<String> scriptArgs) {
      List<String> args = List.copyOf(scriptArgs);
      return new Engine(name, () -> BenchmarkJobs.result(BenchmarkJobs.python(interpreter, args, true),
          String.join(" ", args)));
    }
  }

  private EngineTurns() {}

  /** One row per engine, in the engines' order. */
  static List<Map<String, Object>> run(List<Engine> engines, int repeats) throws Exception {
    Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
    for (int repeat = 1; repeat <= repeats; repeat++) {
      for (Engine e : engines) {
        System.err.printf(Locale.ROOT, "repeat %d of %d: %s ...%n", repeat, repeats, e.name());
        runs.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e.job().call());
      }
    }
    return runs.values().stream().map(EngineTurns::medians).toList();
  }

  /** One row from an engine's repeats: the median of each number, the first of anything else. */
  static Map<String, Object> medians(List<Map<String, Object>> results) {
    Map<String, Object> row = new LinkedHashMap<>(results.get(0));
    for (String key : row.keySet()) {
      if (row.get(key) instanceof Double) {
        double[] v = results.stream().filter(m -> m.get(key) instanceof Double).mapToDouble(m -> (Double) m.get(key))
            .sorted().toArray();
        row.put(key, v[v.length / 2]);
      }
    }
    return row;
  }
}
