package org.mgm.onnx.suite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mgm.runtime.TfPythonEnv;

/**
 * ONNX's backend test suite against the TF import (and ONNX Runtime), case by case in a child
 * JVM ({@link SuiteChild}). A native crash ends only the child: the case it was in is recorded
 * as CRASH and a new child goes on from the next case. One child runs the whole suite otherwise,
 * so that TF and ORT load once.
 */
final class OnnxBackendSuite {
  /** A case that writes nothing for this long is taken for hung: the child is ended, the case is a CRASH. */
  static final long CASE_TIMEOUT_S = 300;
  /**
   * A child whose resident memory passes this is ended, its case a CRASH: a runaway case (one
   * gradient graph took 13 GB) must not bring the kernel's OOM killer onto a shared machine.
   */
  static final long MAX_RSS_BYTES = 6L << 30;

  private OnnxBackendSuite() {}

  /**
   * Writes the suite with export-tools/onnx_backend_suite.py into {@code root} (the script keeps
   * a directory that already holds the same onnx version) and returns its cases.
   */
  static List<SuiteCase> generate(Path root) throws IOException, InterruptedException {
    List<String> cmd = List.of(TfPythonEnv.interpreter().toString(), "export-tools/onnx_backend_suite.py",
        root.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + log);
    }
    return SuiteCase.index(root);
  }

  /** Runs the cases; every case gets a result, CRASH for the ones a child died in. */
  static Map<String, CaseResult> run(Path root, List<SuiteCase> cases, Path work, boolean grad,
      Consumer<String> log) throws IOException, InterruptedException {
    Files.createDirectories(work);
    Path results = work.resolve("results.tsv");
    Path childLog = work.resolve("child.log");
    Files.deleteIfExists(results);
    Files.deleteIfExists(childLog);
    Map<String, CaseResult> done = new LinkedHashMap<>();
    int next = 0;
    while (next < cases.size()) {
      List<SuiteCase> todo = cases.subList(next, cases.size());
      Path list = work.resolve("cases.tsv");
      List<String> lines = new ArrayList<>();
      for (SuiteCase c : todo) {
        lines.add(c.name() + "\t" + c.kind() + "\t" + c.rtol() + "\t" + c.atol());
      }
      Files.write(list, lines);
      Exit exit = runChild(root, list, results, childLog, grad);
      String[] marker = readResults(results, done);
      if (exit.code == 0) {
        next = cases.size();
        continue;
      }
      // The case of the last marker without a result line is where the child died.
      String crashed = marker != null && !done.containsKey(marker[0]) ? marker[0] : null;
      int at = crashed == null ? -1 : indexOf(cases, crashed);
      if (at < 0) {
        throw new IllegalStateException("suite child exited with " + exit.code + " outside any case; see " + childLog);
      }
      SuiteCase c = cases.get(at);
      String why = (exit.why != null ? exit.why : "JVM exit code " + exit.code)
          + " in phase " + marker[1] + lastFatalLine(childLog);
      log.accept("CRASH " + c.name() + ": " + why);
      done.put(c.name(), crash(c, marker, why));
      next = at + 1;
    }
    Map<String, CaseResult> ordered = new LinkedHashMap<>();
    for (SuiteCase c : cases) {
      CaseResult r = done.get(c.name());
      if (r == null) {
        throw new IllegalStateException(c.name() + ": no result from the suite child; see " + childLog);
      }
      ordered.put(c.name(), r);
    }
    return ordered;
  }

  /** The crashed case's result from its last marker: name, phase and the results of the phases before. */
  private static CaseResult crash(SuiteCase c, String[] marker, String why) {
    String n = CaseResult.NONE;
    return switch (marker[1]) {
      case "ort" -> new CaseResult(c.name(), c.kind(), n, "not run: ORT crashed", CaseResult.CRASH, why, n, n, n, n, 0);
      case "grad" -> CaseResult.parse(marker[2]).withGrad(CaseResult.CRASH, why);
      case "tf" -> CaseResult.parse(marker[2]).withTf(CaseResult.CRASH, why);
      default -> throw new IllegalStateException("unknown phase in " + String.join(" ", marker));
    };
  }

  private static int indexOf(List<SuiteCase> cases, String name) {
    for (int i = 0; i < cases.size(); i++) {
      if (cases.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Adds the result lines to {@code done}; returns the last marker (name, phase). */
  private static String[] readResults(Path results, Map<String, CaseResult> done) throws IOException {
    if (!Files.exists(results)) {
      return null;
    }
    String[] marker = null;
    for (String line : Files.readAllLines(results)) {
      if (line.startsWith("~\t")) {
        String[] f = line.split("\t", 4);
        marker = new String[] {f[1], f[2], f.length > 3 ? f[3] : null};
      } else if (!line.isEmpty()) {
        // A line cut short by the crash has fewer fields: its case is the crashed one.
        try {
          CaseResult r = CaseResult.parse(line);
          done.put(r.name(), r);
        } catch (IllegalArgumentException partial) {
          // left to the marker
        }
      }
    }
    return marker;
  }

  /** @param why the parent's reason for ending the child, or null when it ended by itself */
  private record Exit(int code, String why) {}

  private static Exit runChild(Path root, Path list, Path results, Path childLog, boolean grad)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-X") || a.startsWith("-D")) {
        cmd.add(a);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SuiteChild.class.getName(), root.toString(),
        list.toString(), results.toString(), grad ? "grad" : "nograd"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(childLog.toFile()));
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    long lastSize = -1;
    long lastChange = System.nanoTime();
    while (!p.waitFor(500, TimeUnit.MILLISECONDS)) {
      long size = Files.exists(results) ? Files.size(results) : 0;
      if (size != lastSize) {
        lastSize = size;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(CASE_TIMEOUT_S)) {
        p.destroyForcibly().waitFor();
        return new Exit(p.exitValue(), "no result in " + CASE_TIMEOUT_S + " s");
      }
      long rss = residentBytes(p.pid());
      if (rss > MAX_RSS_BYTES) {
        p.destroyForcibly().waitFor();
        return new Exit(p.exitValue(), String.format("resident memory %.1f GB, over the suite's limit of %d GB",
            rss / 1e9, MAX_RSS_BYTES >> 30));
      }
    }
    return new Exit(p.exitValue(), null);
  }

  /** VmRSS of a process from /proc (0 where there is no /proc). */
  private static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException gone) {
      // The child has just exited, or this is not Linux.
    }
    return 0;
  }

  /** The JVM's or TF's own words on a crash, from the end of the child's log. */
  private static String lastFatalLine(Path childLog) throws IOException {
    if (!Files.exists(childLog)) {
      return "";
    }
    List<String> lines = Files.readAllLines(childLog);
    for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 200); i--) {
      String l = lines.get(i);
      if (l.contains("SIGSEGV") || l.contains("SIGABRT") || l.contains("SIGFPE") || l.contains("Check failed")
          || l.contains("OutOfMemoryError") || l.startsWith("F0000") || l.contains("] F ")) {
        return ": " + l.strip();
      }
    }
    return "";
  }
}
