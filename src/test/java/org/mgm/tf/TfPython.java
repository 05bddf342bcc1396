package org.mgm.tf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real TensorFlow (Python) for the tests: the interpreter of the virtual environment that
 * {@code .ci/run} makes ({@code MGM_TF_PYTHON}, default {@code ~/.cache/mgm/tf-venv/bin/python}).
 */
final class TfPython {
  private TfPython() {}

  static Path interpreter() {
    return org.mgm.runtime.TfPythonEnv.interpreter();
  }

  static boolean available() {
    return org.mgm.runtime.TfPythonEnv.available();
  }

  record Run(int code, String output) {}

  static Run run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(interpreter().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + cmd);
    }
    return new Run(p.exitValue(), out);
  }
}
