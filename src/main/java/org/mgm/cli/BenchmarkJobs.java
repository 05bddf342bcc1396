package org.mgm.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mgm.runtime.Json;

/**
 * The parts of a benchmark command that run elsewhere: engines in child JVMs and the PyTorch
 * references in Python, each printing one {@code RESULT {json}} line, so each gets
 * its own peak RSS and a crash in one cannot take the others down.
 */
final class BenchmarkJobs {
  static final String PYTHON = "/usr/bin/python3";

  private BenchmarkJobs() {}

  static Map<String, Object> result(List<String> lines, String what) {
    return lines.stream().filter(l -> l.startsWith("RESULT ")).map(l -> Json.parseFlat(l.substring(7)))
        .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException(what + " printed no result"));
  }

  /** Runs {@code mgm <args>} in a child JVM (its stderr shown) and reads its RESULT line. */
  static Map<String, Object> javaJob(List<String> args) throws Exception {
    org.mgm.runtime.ChildJvm.Outcome o = org.mgm.runtime.ChildJvm.run(args, true);
    return result(o.stdout(), "mgm " + String.join(" ", args) + " (exit " + o.exitCode() + ")");
  }

  /**
   * A PyTorch twin's RESULT under torch 1.13 (Debian's) and, where its venv exists, under today's
   * PyTorch; a missing venv is said on stderr, not fatal: the benchmark still compares with 1.13.
   */
  static List<Map<String, Object>> torchResults(List<String> scriptArgs) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    String what = String.join(" ", scriptArgs);
    rows.add(result(python(org.mgm.runtime.TorchPythonEnv.LEGACY, scriptArgs, true), what));
    List<String> notes = new ArrayList<>();
    java.util.Optional<java.nio.file.Path> current = todaysTorch(notes);
    if (current.isPresent()) {
      rows.add(result(python(current.get(), scriptArgs, true), what));
    }
    notes.forEach(System.err::println);
    return rows;
  }

  /** Today's PyTorch interpreter, or empty with a note in {@code notes} saying why it is not run. */
  static java.util.Optional<java.nio.file.Path> todaysTorch(List<String> notes) {
    java.nio.file.Path current = org.mgm.runtime.TorchPythonEnv.current();
    if (java.nio.file.Files.isExecutable(current)) {
      return java.util.Optional.of(current);
    }
    notes.add("today's PyTorch not run: no interpreter at " + current + " (MGM_TORCH_PYTHON; .ci/run makes it)");
    return java.util.Optional.empty();
  }

  /** Whether TF may compile CPU clusters with XLA here; false with a note in {@code notes}. */
  static boolean xlaRuns(List<String> notes) {
    if (org.mgm.runtime.XlaJit.cpuAllowed()) {
      return true;
    }
    notes.add("TF with XLA not run: TF_XLA_FLAGS lacks " + org.mgm.runtime.XlaJit.FLAG + " (the mgm launcher sets it)");
    return false;
  }

  /** The line every benchmark ends with: the CPU, and whether TF's oneDNN is on in this process. */
  static String machineLine() {
    return "CPU: " + org.mgm.runtime.CpuFeatures.read().describe() + "; TF oneDNN "
        + (org.mgm.runtime.OneDnn.enabled() ? "on" : "off");
  }

  static List<String> python(List<String> args, boolean capture) throws Exception {
    return python(java.nio.file.Path.of(PYTHON), args, capture);
  }

  /** Runs {@code interpreter args} (its stderr shown); its stdout lines when {@code capture}. */
  static List<String> python(java.nio.file.Path interpreter, List<String> args, boolean capture) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(interpreter.toString()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.add(line);
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
    }
    return capture ? out : List.of();
  }
}
