package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.check.ImportBenchmark;
import org.mgm.runtime.Json;
import org.mgm.runtime.TfPythonEnv;

/**
 * {@code mgm bench-tf-import}: load + import time, forward and forward+backward-to-input ms and
 * peak memory of a TF1 CycleGAN checkpoint's G_AB (key_node[1]) in TF Java, against TF Python
 * 2.21 running the same .meta graph on the same machine in the same command. Without
 * --checkpoint it writes a full-size random one (ngf 64, 9 blocks, 256×256) with
 * export-tools/tf1_cyclegan.py. A benchmark, not a test.
 */
final class BenchTfImportCommand extends Command {
  @Override
  public String name() {
    return "bench-tf-import";
  }

  @Override
  public String summary() {
    return "benchmark: TF1 CycleGAN checkpoint import + forward/backward, TF Java vs TF Python";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("checkpoint").hasArg().argName("DIR")
        .desc("TF1 CycleGAN checkpoint (default: a full-size random one)").build());
    o.addOption(Option.builder().longOpt("output").hasArg().argName("NAME").desc("default key_node[1] (fake_B)").build());
    o.addOption(Option.builder().longOpt("iterations").hasArg().argName("N").desc("timed runs, median (default 5)").build());
    o.addOption(Option.builder().longOpt("job").desc("(internal) the TF Java side in this JVM").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    o.addOption(Option.builder().longOpt("trace")
        .desc("also trace one TF Java forward+backward: kernel ms per op type, peak live tensor MB").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    int iterations = (int) parseDouble("iterations", cmd.getOptionValue("iterations", "5"));
    String output = cmd.getOptionValue("output", "key_node[1]");
    if (cmd.hasOption("job")) {
      Map<String, Object> r = ImportBenchmark.tfModel(Path.of(cmd.getOptionValue("checkpoint")), output, 1, iterations, 2,
          cmd.hasOption("trace"));
      System.out.println("RESULT " + Json.writeLine(r));
      return 0;
    }
    if (!TfPythonEnv.available()) {
      throw new UsageException("no TensorFlow Python at " + TfPythonEnv.interpreter()
          + " (set MGM_TF_PYTHON, or run .ci/run once to make the venv)");
    }
    Path checkpoint;
    Path tmp = null;
    if (cmd.hasOption("checkpoint")) {
      checkpoint = Path.of(cmd.getOptionValue("checkpoint"));
    } else {
      tmp = Files.createTempDirectory("mgm-bench-tf");
      checkpoint = tmp.resolve("cyclegan-full");
      System.err.println("making a full-size TF1 CycleGAN checkpoint with export-tools ...");
      run(List.of("export-tools/tf1_cyclegan.py", "--random", "--out", checkpoint.toString()));
    }
    try {
      List<Map<String, Object>> rows = new ArrayList<>();
      List<String> job = new ArrayList<>(List.of("bench-tf-import", "--job", "--checkpoint", checkpoint.toString(),
          "--output", output, "--iterations", Integer.toString(iterations)));
      if (cmd.hasOption("trace")) {
        job.add("--trace");
      }
      rows.add(BenchmarkJobs.javaJob(job));
      List<String> py = run(List.of("export-tools/bench_tf1_cyclegan.py", "--checkpoint", checkpoint.toString(),
          "--iterations", Integer.toString(iterations)));
      Map<String, Object> p = Json.parseFlat(py.stream().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
          .orElseThrow(() -> new IllegalStateException("bench_tf1_cyclegan.py printed no result")));
      p.putIfAbsent("forward_backward_ms", p.get("fwd_bwd_ms"));
      rows.add(p);
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(Map.of("checkpoint", checkpoint.toString(), "output", output, "results", rows)));
        return 0;
      }
      System.out.printf(Locale.ROOT, "%-44s %10s %12s %14s %12s%n", "engine", "import ms", "forward ms", "fwd+bwd ms",
          "peak RSS MB");
      for (Map<String, Object> r : rows) {
        System.out.printf(Locale.ROOT, "%-44s %10.1f %12.1f %14.1f %12.0f%n", r.get("engine"), num(r.get("import_ms")),
            num(r.get("forward_ms")), num(r.get("forward_backward_ms")), num(r.get("peak_rss_mb")));
      }
      System.out.println("(" + checkpoint + " " + output + ", batch 1, median of " + iterations + " runs; "
          + Runtime.getRuntime().availableProcessors() + " cores)");
      return 0;
    } finally {
      if (tmp != null) {
        org.mgm.tf.MlpSavedModelExporter.deleteTree(tmp);
      }
    }
  }

  private static double num(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
  }

  private static List<String> run(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(TfPythonEnv.interpreter().toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
    }
    return out;
  }
}
