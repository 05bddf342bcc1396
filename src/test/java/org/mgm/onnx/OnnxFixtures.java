package org.mgm.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mgm.tensor.HostTensor;

/** The PyTorch-made fixtures under src/test/resources/onnx-fixtures (export-tools/make_fixtures.py). */
public final class OnnxFixtures {
  public static final Path ROOT = Path.of("src/test/resources/onnx-fixtures");

  private OnnxFixtures() {}

  public static List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(ROOT)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  public static Path model(String name, int opset) {
    return ROOT.resolve(name).resolve("model-opset" + opset + ".onnx");
  }

  public static Path file(String name, String file) {
    return ROOT.resolve(name).resolve(file);
  }

  /** Parameter gradient files: grad_param__NAME.npy → NAME. */
  public static List<String> parameterNames(String name) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(ROOT.resolve(name))) {
      s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith("grad_param__")).sorted()
          .forEach(f -> out.add(f.substring("grad_param__".length(), f.length() - ".npy".length())));
    }
    return out;
  }

  /**
   * max |a − b| / max |b|: the error relative to the reference's scale. References that are zero
   * up to round-off (the bias of a conv followed by instance norm) are compared absolutely.
   */
  public static double relativeError(HostTensor actual, HostTensor expected) {
    double[] a = actual.toDoubles();
    double[] b = expected.toDoubles();
    if (a.length != b.length) {
      throw new AssertionError("sizes differ: " + actual + " vs " + expected);
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return diff / Math.max(scale, 1e-8);
  }
}
