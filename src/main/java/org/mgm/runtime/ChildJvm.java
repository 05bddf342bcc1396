package org.mgm.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code mgm <args>} in a child JVM with this JVM's class path and options.
 *
 * <p>Two uses: native paths that may crash the whole process (a gradient function segfaulting
 * inside TF) are probed where a crash only ends the child, and benchmarks measure each job's
 * peak memory on its own.
 */
public final class ChildJvm {
  /** Exit code and captured standard output; exit codes above 128 mean a signal (a crash). */
  public record Outcome(int exitCode, List<String> stdout) {
    public boolean crashed() {
      return exitCode > 128;
    }
  }

  private ChildJvm() {}

  /** The command line of {@code mgm <args>} in a JVM like this one (for a caller that manages the process). */
  public static List<String> command(List<String> mgmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.mgm.cli.Main"));
    cmd.addAll(mgmArgs);
    return cmd;
  }

  public static Outcome run(List<String> mgmArgs, boolean inheritStderr) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command(mgmArgs));
    Path stderr = null;
    if (inheritStderr) {
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    } else {
      stderr = Files.createTempFile("mgm-child", ".err");
      pb.redirectError(stderr.toFile());
    }
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    }
    int code = p.waitFor();
    if (stderr != null) {
      // A child's own "mgm: ..." error line is the useful part of its stderr.
      for (String line : Files.readAllLines(stderr)) {
        if (line.startsWith("mgm: ")) {
          lines.add(line);
        }
      }
      Files.deleteIfExists(stderr);
    }
    return new Outcome(code, lines);
  }
}
