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
import org.mgm.runtime.Json;

/**
 * {@code mgm bench-import}: import time, peak memory, forward and forward+backward-to-input
 * milliseconds of a model imported frozen into TF, against ONNX Runtime (forward) and PyTorch 1.13
 * (the same architecture, same machine, same run). Without --model it makes a full-size CycleGAN
 * ResnetGenerator (ngf 64, 9 blocks, 256×256) with export-tools. A benchmark, not a test.
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
    o.addOption(Option.builder().longOpt("job").hasArg().argName("ENGINE").desc("(internal) one engine in this JVM: tf (channels-last, the default layout), tf-nchw or ort").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    o.addOption(Option.builder().longOpt("trace")
        .desc("also trace one TF forward+backward: kernel ms per op type, peak live tensor MB").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    long batch = (long) parseDouble("batch", cmd.getOptionValue("batch", "1"));
    int iterations = (int) parseDouble("iterations", cmd.getOptionValue("iterations", "10"));
    if (cmd.hasOption("job")) {
      Path model = Path.of(cmd.getOptionValue("model"));
      Map<String, Object> r = switch (cmd.getOptionValue("job")) {
        case "tf" -> ImportBenchmark.tf(model, batch, iterations, 2, ConvLayout.CHANNELS_LAST, cmd.hasOption("trace"));
        case "tf-nchw" -> ImportBenchmark.tf(model, batch, iterations, 2, ConvLayout.NATIVE_NCHW, cmd.hasOption("trace"));
        case "ort" -> ImportBenchmark.ort(model, batch, iterations, 2);
        default -> throw new UsageException("--job: expected tf, tf-nchw or ort");
      };
      System.out.println("RESULT " + Json.writeLine(r));
      return 0;
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
      List<Map<String, Object>> rows = new ArrayList<>();
      // Not native NCHW (--job tf-nchw): with the weights in variables its first forward through
      // the full-size CycleGAN had not finished after 10 minutes.
      for (String job : List.of("tf", "ort")) {
        List<String> args = new ArrayList<>(List.of("bench-import", "--job", job, "--model", model.toString(),
            "--batch", Long.toString(batch), "--iterations", Integer.toString(iterations)));
        if (cmd.hasOption("trace")) {
          args.add("--trace");
        }
        rows.add(BenchmarkJobs.javaJob(args));
      }
      if (!cmd.hasOption("model")) {
        rows.add(BenchmarkJobs.result(BenchmarkJobs.python(List.of("export-tools/bench_torch.py", "--arch", "cyclegan-full", "--batch",
            Long.toString(batch), "--iterations", Integer.toString(iterations)), true), "bench_torch.py"));
      }
      if (cmd.hasOption("json")) {
        System.out.println(Json.write(Map.of("model", model.toString(), "batch", batch, "results", rows)));
      } else {
        System.out.printf(Locale.ROOT, "%-38s %10s %12s %14s %12s%n", "engine", "import ms", "forward ms",
            "fwd+bwd ms", "peak RSS MB");
        for (Map<String, Object> r : rows) {
          System.out.printf(Locale.ROOT, "%-38s %10s %12.1f %14s %12.0f%n", r.get("engine"), fmt(r.get("import_ms")),
              (Double) r.get("forward_ms"), fmt(r.get("forward_backward_ms")), (Double) r.get("peak_rss_mb"));
        }
        System.out.println("(" + model.getFileName() + ", batch " + batch + ", median of " + iterations + " runs; "
            + Runtime.getRuntime().availableProcessors() + " cores)");
        for (Map<String, Object> r : rows) {
          if (r.containsKey("trace_top_op_types")) {
            System.out.printf(Locale.ROOT, "trace, %s: kernels %.0f ms in all, peak live tensors %.0f MB (allocator %s); %s%n",
                r.get("engine"), (Double) r.get("trace_kernel_ms"), (Double) r.get("trace_peak_live_tensor_mb"),
                r.get("trace_allocators"), r.get("trace_top_op_types"));
          }
        }
      }
      return 0;
    } finally {
      if (tmp != null) {
        org.mgm.tf.MlpSavedModelExporter.deleteTree(tmp);
      }
    }
  }

  private static String fmt(Object v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", (Double) v);
  }

}
