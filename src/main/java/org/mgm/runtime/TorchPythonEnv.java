package org.mgm.runtime;

import java.nio.file.Path;

/**
 * The two PyTorch interpreters that export real architectures for the commands and tests that
 * compare with them: today's PyTorch in the virtual environment {@code .ci/run} makes
 * ({@code MGM_TORCH_PYTHON}, default {@code ~/.cache/mgm/torch-venv/bin/python}; its default ONNX
 * exporter is the dynamo one), and Debian's {@code /usr/bin/python3} with torch 1.13 (the
 * TorchScript exporter). The toolkit itself needs neither.
 */
public final class TorchPythonEnv {
  /** Debian's python3-torch (1.13): the TorchScript ONNX exporter most published files came from. */
  public static final Path LEGACY = Path.of("/usr/bin/python3");

  private TorchPythonEnv() {}

  /** Today's PyTorch (2.13 in {@code .ci/run}). */
  public static Path current() {
    String env = System.getenv("MGM_TORCH_PYTHON");
    return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache/mgm/torch-venv/bin/python");
  }
}
