package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.runtime.Json;
import org.mgm.runtime.TorchPythonEnv;

/**
 * {@code mgm bench-archs}: torchvision architectures (resnet50 and vit_b_16 by default, random
 * weights, 224×224) exported by today's PyTorch's default ONNX exporter, then the TF import's time,
 * forward and forward+backward-to-input next to ONNX Runtime's session creation and run, each
 * engine in its own JVM ({@code bench-import --job}). A benchmark, not a test.
 */
final class BenchArchitecturesCommand extends Command {
  @Override
  public String name() {
    return "bench-archs";
  }

  @Override
  public String summary() {
    return "benchmark: TF import + forward of torchvision architectures (torch 2 export) vs ONNX Runtime";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("arch").hasArg().argName("A,B")
        .desc("torchvision architectures (default resnet50,vit_b_16; export-tools/export_torchvision.py lists them)").build());
    o.addOption(Option.builder().longOpt("size").hasArg().argName("N").desc("image side (default 224)").build());
    o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("default 1").build());
    o.addOption(Option.builder().longOpt("iterations").hasArg().argName("N").desc("timed runs, median (default 10)").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    List<String> archs = List.of(cmd.getOptionValue("arch", "resnet50,vit_b_16").split(","));
    int size = (int) parseDouble("size", cmd.getOptionValue("size", "224"));
    long batch = (long) parseDouble("batch", cmd.getOptionValue("batch", "1"));
    int iterations = (int) parseDouble("iterations", cmd.getOptionValue("iterations", "10"));
    Path python = TorchPythonEnv.current();
    if (!Files.isExecutable(python)) {
      throw new UsageException("bench-archs needs PyTorch 2 at " + python + " (MGM_TORCH_PYTHON; .ci/run makes it)");
    }
    Path tmp = Files.createTempDirectory("mgm-bench-archs");
    try {
      System.err.println("exporting " + String.join(", ", archs) + " with " + python + " (dynamo exporter) ...");
      BenchmarkJobs.python(python, List.of("export-tools/export_torchvision.py", "--out", tmp.toString(), "--exporter",
          "dynamo", "--arch", String.join(",", archs), "--size", Integer.toString(size), "--batch",
          Long.toString(batch), "--no-references"), false);
      String torch = String.join(" ", BenchmarkJobs.python(python, List.of("export-tools/export_torchvision.py",
          "--versions"), true));
      Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
      for (String arch : archs) {
        Path model = tmp.resolve(arch).resolve("model.onnx");
        List<Map<String, Object>> r = new ArrayList<>();
        for (String job : List.of("tf", "ort")) {
          r.add(job(job, model, batch, iterations));
        }
        rows.put(arch, r);
      }
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(Map.of("exporter", "dynamo (" + torch + ")", "size", size, "batch", batch,
            "results", rows)));
        return 0;
      }
      System.out.printf(Locale.ROOT, "%-14s %-34s %11s %11s %12s %12s%n", "model", "engine", "import ms",
          "forward ms", "fwd+bwd ms", "peak RSS MB");
      rows.forEach((arch, rs) -> rs.forEach(r -> System.out.printf(Locale.ROOT, "%-14s %-34s %11s %11s %12s %12s%n",
          arch, r.get("engine"), fmt(r.get("import_ms")), fmt(r.get("forward_ms")), fmt(r.get("forward_backward_ms")),
          fmt(r.get("peak_rss_mb")))));
      System.out.println("(" + size + "x" + size + ", batch " + batch + ", random weights, exported by " + torch
          + " with its default exporter; median of " + iterations + " runs; ONNX Runtime's import ms is its session"
          + " creation; " + Runtime.getRuntime().availableProcessors() + " cores)");
      return 0;
    } finally {
      org.mgm.tf.MlpSavedModelExporter.deleteTree(tmp);
    }
  }

  /** One engine on one model in its own JVM; a model that engine refuses is a row saying so, not the end. */
  private static Map<String, Object> job(String job, Path model, long batch, int iterations) throws Exception {
    List<String> args = List.of("bench-import", "--job", job, "--model", model.toString(), "--batch",
        Long.toString(batch), "--iterations", Integer.toString(iterations));
    try {
      return BenchmarkJobs.javaJob(args);
    } catch (IllegalStateException e) {
      Map<String, Object> failed = new LinkedHashMap<>();
      failed.put("engine", job + ": failed (its error is above)");
      return failed;
    }
  }

  private static String fmt(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", (Double) v);
  }
}
