package org.mgm.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mgm.runtime.TorchPythonEnv;

/**
 * torchvision architectures exported by export-tools/export_torchvision.py into
 * {@code target/torchvision-archs/EXPORTER/ARCH/}, made at test time and kept there: the script
 * makes again only what its own hash, the exporter or the torch version no longer match.
 */
final class TorchvisionExports {
  static final Path ROOT = Path.of("target", "torchvision-archs");
  static final String SCRIPT = "export-tools/export_torchvision.py";
  static final List<String> ARCHS = List.of("resnet18", "mobilenet_v3_small", "efficientnet_b0", "densenet121",
      "inception_v3", "convnext_tiny", "swin_t", "vit_b_16", "regnet_y_400mf", "shufflenet_v2_x1_0", "squeezenet1_1");

  /** An exporter and the interpreter whose torch runs it. */
  enum Exporter {
    TORCHSCRIPT_OPSET13("torchscript-opset13", TorchPythonEnv.LEGACY),
    TORCHSCRIPT_OPSET17("torchscript-opset17", TorchPythonEnv.LEGACY),
    DYNAMO("dynamo", TorchPythonEnv.current());

    final String id;
    final Path python;

    Exporter(String id, Path python) {
      this.id = id;
      this.python = python;
    }

    Path dir(String arch) {
      return ROOT.resolve(id).resolve(arch);
    }
  }

  private TorchvisionExports() {}

  /** The torch and torchvision versions, or null where the interpreter cannot import them. */
  static String versions(Exporter e) {
    if (!Files.isExecutable(e.python)) {
      return null;
    }
    try {
      Run r = run(e.python, List.of(SCRIPT, "--versions"), 120);
      return r.code == 0 ? r.lastLine() : null;
    } catch (IOException ex) {
      return null;
    }
  }

  /**
   * Exports every architecture with each exporter (those cached are kept), the exporters at once
   * (each is mostly one Python thread), and returns per exporter, for each architecture it failed
   * on, the script's line saying why.
   */
  static Map<Exporter, Map<String, String>> make(List<Exporter> exporters) throws IOException {
    Map<Exporter, Started> started = new LinkedHashMap<>();
    for (Exporter e : exporters) {
      started.put(e, start(e.python, List.of(SCRIPT, "--out", ROOT.resolve(e.id).toString(), "--exporter", e.id,
          "--arch", String.join(",", ARCHS))));
    }
    Map<Exporter, Map<String, String>> failures = new LinkedHashMap<>();
    for (Map.Entry<Exporter, Started> s : started.entrySet()) {
      failures.put(s.getKey(), failures(s.getKey(), s.getValue().await(3600)));
    }
    return failures;
  }

  private static Map<String, String> failures(Exporter e, Run r) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (String line : r.output.split("\n")) {
      int at = line.indexOf(": FAILED ");
      if (at > 0 && ARCHS.contains(line.substring(0, at))) {
        failed.put(line.substring(0, at), "export failed: " + line.substring(at + ": FAILED ".length()));
      }
    }
    if (r.code != 0 && failed.isEmpty()) {
      throw new IllegalStateException(e.python + " " + SCRIPT + " exited " + r.code + ":\n" + r.output);
    }
    return failed;
  }

  private record Run(int code, String output) {
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Run run(Path python, List<String> args, long timeoutSeconds) throws IOException {
    return start(python, args).await(timeoutSeconds);
  }

  /** A running script whose output goes to a temporary file. */
  private record Started(Process process, Path log, String command) {
    Run await(long timeoutSeconds) throws IOException {
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
        }
        return new Run(process.exitValue(), Files.readString(log));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IOException(ex);
      } finally {
        Files.deleteIfExists(log);
      }
    }
  }

  private static Started start(Path python, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(python.toString()));
    cmd.addAll(args);
    Path log = Files.createTempFile("export-torchvision", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new Started(p, log, String.join(" ", cmd));
  }
}
