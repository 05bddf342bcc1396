package org.mgm.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mgm.runtime.TfPythonEnv;
import org.mgm.runtime.TorchPythonEnv;

/**
 * A tool outside the JVM that some tests need, named by the group {@code .ci/run} reports it
 * under. Each is probed once per JVM by importing its modules in the interpreter that
 * {@code .ci/run} installs them into.
 */
public enum Tool {
  /** Debian's python3 with torch 1.13 and onnx: export-tools and the torch parity checks. */
  DEBIAN_TORCH("debian-torch", "/usr/bin/python3", "import torch, onnx, numpy", "apt-get install python3-torch python3-onnx"),
  /** torchvision 1.13's architectures (InceptionV3 converter, torchscript exports). */
  DEBIAN_TORCHVISION("debian-torchvision", "/usr/bin/python3", "import torch, torchvision", "apt-get install python3-torchvision"),
  /** POT's exact W1, the cross-check of the toolkit's. */
  DEBIAN_POT("debian-pot", "/usr/bin/python3", "import ot", "apt-get install python3-pot"),
  /** numpy alone, for the checks that only load arrays. */
  DEBIAN_NUMPY("debian-numpy", "/usr/bin/python3", "import numpy", "apt-get install python3-numpy"),
  /** scipy's sqrtm, the cross-check of FID. */
  DEBIAN_SCIPY("debian-scipy", "/usr/bin/python3", "import scipy.linalg, numpy", "apt-get install python3-scipy"),
  /** Real TensorFlow 2.21 with keras, onnx (and its backend suite), onnxruntime, tensorboard. */
  TF_VENV("tf-venv", null, "import tensorflow, keras, onnx, onnxruntime", "MGM_TF_PYTHON; .ci/run makes the venv"),
  /**
   * Today's PyTorch and its dynamo ONNX exporter. torchvision's C++ ops in that venv are built for
   * another torch, and importing torchvision dies registering their fake kernels unless that
   * module is stubbed first, as export-tools/export_torchvision.py does (no architecture uses them).
   */
  TORCH_VENV("torch-venv", null, "import sys, types; sys.modules.setdefault('torchvision._meta_registrations',"
      + " types.ModuleType('stub')); import torch, torchvision, onnxscript", "MGM_TORCH_PYTHON; .ci/run makes the venv");

  private static final Map<Tool, Boolean> PROBED = new EnumMap<>(Tool.class);

  private final String group;
  private final String python;
  private final String imports;
  private final String howToGet;

  Tool(String group, String python, String imports, String howToGet) {
    this.group = group;
    this.python = python;
    this.imports = imports;
    this.howToGet = howToGet;
  }

  /** The name {@code .ci/run}'s summary counts tests under. */
  public String group() {
    return group;
  }

  public Path python() {
    return switch (this) {
      case TF_VENV -> TfPythonEnv.interpreter();
      case TORCH_VENV -> TorchPythonEnv.current();
      default -> Path.of(python);
    };
  }

  /** Whether {@link #python()} imports the modules; probed once per JVM. */
  public synchronized boolean present() {
    return PROBED.computeIfAbsent(this, Tool::probe);
  }

  /** What the skip or failure message says. */
  public String missing() {
    return group + ": " + python() + " cannot run '" + imports + "' (" + howToGet + ")";
  }

  private boolean probe() {
    try {
      Process p = new ProcessBuilder(python().toString(), "-c", imports).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
