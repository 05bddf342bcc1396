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
import org.mgm.onnx.importer.ConvLayout;
import org.mgm.runtime.CpuFeatures;
import org.mgm.runtime.Json;
import org.mgm.runtime.SessionSettings;
import org.mgm.runtime.Sessions;
import org.mgm.runtime.TorchPythonEnv;
import org.mgm.cli.EngineTurns.Engine;

/**
 * {@code mgm bench-import}: import time, peak memory, forward and forward+backward-to-input
 * milliseconds of a model imported frozen into TF (plain, and with XLA), against ONNX Runtime
 * (forward) and PyTorch: 1.13, and today's eager and {@code torch.compile}d (the same
 * architecture, same machine, same run). Without --model it makes a full-size CycleGAN
 * ResnetGenerator (ngf 64, 9 blocks, 256×256) with export-tools. Engines take turns, repeat after
 * repeat, so that a machine that slows down mid-run slows all of them. A benchmark, not a test.
 */
final class BenchImportCommand extends Command {
  @Override
  public String name() {
    return "bench-import";
  }

  @Override
  public String summary() {
    return "benchmark: TF import + forward/backward of an ONNX model vs ONNX Runtime and PyTorch";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("model").hasArg().argName("MODEL.onnx")
        .desc("default: a full-size CycleGAN generator made by export-tools").build());
    o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("default 1").build());
    o.addOption(Option.builder().longOpt("iterations").hasArg().argName("N").desc("timed runs, median (default 10)").build());
    o.addOption(Option.builder().longOpt("repeats").hasArg().argName("N")
        .desc("every engine once per repeat, in turn; the figures are the medians over repeats (default 1)").build());
    o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
        .desc("TF and PyTorch threads (default 0: one per core)").build());
    o.addOption(Option.builder().longOpt("no-compile").desc("skip torch.compile (its compile takes minutes)").build());
    o.addOption(Option.builder().longOpt("job").hasArg().argName("ENGINE").desc("(internal) one engine in this JVM: tf (channels-last, the default layout), tf-nchw or ort").build());
    o.addOption(Option.builder().longOpt("xla").desc("(internal, with --job tf) sessions with XLA").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    o.addOption(Option.builder().longOpt("trace")
        .desc("also trace one TF forward+backward: kernel ms per op type, peak live tensor MB").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    long batch = (long) parseDouble("batch", cmd.getOptionValue("batch", "1"));
    int iterations = (int) parseDouble("iterations", cmd.getOptionValue("iterations", "10"));
    int repeats = positiveInt(cmd, "repeats", 1);
    int threads = nonNegativeInt(cmd, "threads", 0);
    if (cmd.hasOption("job")) {
      return job(cmd, batch, iterations, threads);
    }
    Path model;
    Path tmp = null;
    if (cmd.hasOption("model")) {
      model = Path.of(cmd.getOptionValue("model"));
    } else {
      tmp = Files.createTempDirectory("mgm-bench");
      System.err.println("making a full-size CycleGAN ResnetGenerator with export-tools ...");
      BenchmarkJobs.python(List.of("export-tools/make_fixtures.py", "--out", tmp.toString(), "--only", "cyclegan-full"), false);
      model = tmp.resolve("cyclegan-full").resolve("model-opset17.onnx");
    }
    try {
      List<String> notes = new ArrayList<>();
      List<Engine> engines = engines(cmd, model, batch, iterations, threads, notes);
      List<Map<String, Object>> rows = EngineTurns.run(engines, repeats);
      CpuFeatures cpu = CpuFeatures.read();
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(Map.of("model", model.toString(), "batch", batch, "repeats", repeats,
            "cpu", cpu.describe(), "results", rows)));
      } else {
        print(rows, model, batch, iterations, repeats, cpu, notes);
      }
      return 0;
    } finally {
      if (tmp != null) {
        org.mgm.tf.MlpSavedModelExporter.deleteTree(tmp);
      }
    }
  }

  private static int job(CommandLine cmd, long batch, int iterations, int threads) throws Exception {
    Path model = Path.of(cmd.getOptionValue("model"));
    if (!cmd.getOptionValue("job").equals("ort")) {
      // Before the first TF session, which sizes TF's thread pools.
      Sessions.use(SessionSettings.builder().threads(threads).xla(cmd.hasOption("xla")).build());
    }
    Map<String, Object> r = switch (cmd.getOptionValue("job")) {
      case "tf" -> ImportBenchmark.tf(model, batch, iterations, 2, ConvLayout.CHANNELS_LAST, cmd.hasOption("trace"));
      case "tf-nchw" -> ImportBenchmark.tf(model, batch, iterations, 2, ConvLayout.NATIVE_NCHW, cmd.hasOption("trace"));
      case "ort" -> ImportBenchmark.ort(model, batch, iterations, 2);
      default -> throw new UsageException("--job: expected tf, tf-nchw or ort");
    };
    if (!cmd.getOptionValue("job").equals("ort")) {
      SessionSettings tried = Sessions.settings();
      r.put("engine", r.get("engine") + (tried.xla() ? " XLA" : ""));
      if (tried.xla()) {
        // after the timed runs and the peak: a second and third import of the model
        r.put("rel_diff_vs_plain", ImportBenchmark.relativeDifferenceFromPlain(model, batch, tried));
      }
      r.put("threads", Sessions.settings().threads() == 0 ? Runtime.getRuntime().availableProcessors()
          : Sessions.settings().threads());
      r.put("onednn", org.mgm.runtime.OneDnn.enabled());
    }
    System.out.println("RESULT " + Json.writeLine(r));
    return 0;
  }

  private static List<Engine> engines(CommandLine cmd, Path model, long batch, int iterations, int threads,
      List<String> notes) {
    List<String> common = List.of("--model", model.toString(), "--batch", Long.toString(batch), "--iterations",
        Integer.toString(iterations), "--threads", Integer.toString(threads));
    List<Engine> engines = new ArrayList<>();
    engines.add(javaEngine("tf", common, cmd.hasOption("trace") ? List.of("--trace") : List.of()));
    if (BenchmarkJobs.xlaRuns(notes)) {
      engines.add(javaEngine("tf", common, List.of("--xla")));
    }
    engines.add(javaEngine("ort", common, List.of()));
    if (cmd.hasOption("model")) {
      return engines; // PyTorch runs the architectures export-tools builds, not a given file
    }
    List<String> torchArgs = List.of("export-tools/bench_torch.py", "--arch", "cyclegan-full", "--batch",
        Long.toString(batch), "--iterations", Integer.toString(iterations), "--threads",
        Integer.toString(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads));
    engines.add(Engine.python("torch 1.13", TorchPythonEnv.LEGACY, torchArgs));
    java.util.Optional<Path> today = BenchmarkJobs.todaysTorch(notes);
    if (today.isEmpty()) {
      return engines;
    }
    Path current = today.get();
    engines.add(Engine.python("torch eager", current, torchArgs));
    if (!cmd.hasOption("no-compile")) {
      List<String> compiled = new ArrayList<>(torchArgs);
      compiled.add("--compile");
      engines.add(Engine.python("torch compiled", current, compiled));
    }
    return engines;
  }

  private static Engine javaEngine(String job, List<String> common, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("bench-import", "--job", job));
    args.addAll(common);
    args.addAll(extra);
    return Engine.java(job + (extra.isEmpty() ? "" : " " + String.join(" ", extra)), args);
  }

  private static void print(List<Map<String, Object>> rows, Path model, long batch, int iterations, int repeats,
      CpuFeatures cpu, List<String> notes) {
    System.out.printf(Locale.ROOT, "%-42s %10s %11s %11s %12s %12s %8s %8s %10s%n", "engine", "import ms", "forward ms",
        "fwd+bwd ms", "compile ms", "peak RSS MB", "threads", "oneDNN", "vs plain");
    for (Map<String, Object> r : rows) {
      Object compile = r.containsKey("compile_forward_ms") ? fmt(r.get("compile_forward_ms")) + "/"
          + fmt(r.get("compile_forward_backward_ms")) : "-";
      System.out.printf(Locale.ROOT, "%-42s %10s %11s %11s %12s %12.0f %8s %8s %10s%n", r.get("engine"), fmt(r.get("import_ms")),
          fmt(r.get("forward_ms")), fmt(r.get("forward_backward_ms")), compile, (Double) r.get("peak_rss_mb"),
          r.get("threads") instanceof Double t ? Integer.toString(t.intValue()) : "default", r.containsKey("onednn") ? (Boolean.TRUE.equals(r.get("onednn")) ? "on" : "off") : "-",
          r.get("rel_diff_vs_plain") instanceof Double d ? String.format(Locale.ROOT, "%.1e", d) : "-");
    }
    System.out.println("(" + model.getFileName() + ", batch " + batch + ", median of " + iterations + " runs, "
        + repeats + " repeat(s) in turn; CPU: " + cpu.describe() + ")");
    System.out.println("(vs plain: largest forward difference from the plain TF session, over the output's largest magnitude)");
    notes.forEach(n -> System.out.println("note: " + n));
    for (Map<String, Object> r : rows) {
      if (r.containsKey("trace_top_op_types")) {
        System.out.printf(Locale.ROOT, "trace, %s: kernels %.0f ms in all, peak live tensors %.0f MB (allocator %s); %s%n",
            r.get("engine"), (Double) r.get("trace_kernel_ms"), (Double) r.get("trace_peak_live_tensor_mb"),
            r.get("trace_allocators"), r.get("trace_top_op_types"));
      }
    }
  }

  private static String fmt(Object v) {
    return v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : "-";
  }
}
