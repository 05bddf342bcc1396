package org.mgm.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where real TensorFlow (Python) lives for the commands and tests that compare with it: the
 * virtual environment {@code .ci/run} makes ({@code MGM_TF_PYTHON}, default
 * {@code ~/.cache/mgm/tf-venv/bin/python}). The toolkit itself never needs it.
 */
public final class TfPythonEnv {
  private TfPythonEnv() {}

  public static Path interpreter() {
    String env = System.getenv("MGM_TF_PYTHON");
    return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache/mgm/tf-venv/bin/python");
  }

  public static boolean available() {
    return Files.isExecutable(interpreter());
  }
}
