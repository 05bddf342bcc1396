package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** ONNX Runtime and the TF import compute the same outputs for every fixture. */
class OrtParityTest {
  static java.util.List<String> names() throws Exception {
    return OnnxFixtures.names();
  }

  /** Asking for CUDA where there is none (or with the CPU build) falls back to the CPU and still runs. */
  @org.junit.jupiter.api.Test
  void cudaRequestFallsBackToCpuWhenUnavailable() throws Exception {
    var path = OnnxFixtures.model("mlp", 17);
    HostTensor x = Npy.read(OnnxFixtures.file("mlp", "input.npy"));
    try (OrtModel m = OrtModel.open(path, OrtModel.Device.CUDA)) {
      HostTensor y = m.run(Map.of("input", x)).get("output");
      assertTrue(OnnxFixtures.relativeError(y, Npy.read(OnnxFixtures.file("mlp", "output.npy"))) < 1e-5,
          "on " + m.device());
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void ortEqualsTf(String name) throws Exception {
    var path = OnnxFixtures.model(name, 17);
    HostTensor x = Npy.read(OnnxFixtures.file(name, "input.npy"));
    HostTensor ort;
    try (OrtModel m = OrtModel.open(path, OrtModel.Device.CPU)) {
      assertEquals(OrtModel.Device.CPU, m.device());
      ort = m.run(Map.of("input", x)).get("output");
    }
    try (ImportedSession s = new ImportedSession(OnnxModelFile.read(path), ImportOptions.frozen("m"), name)) {
      HostTensor tf = s.infer(Map.of("input", x)).get("output");
      assertArrayEquals(ort.shape(), tf.shape());
      double err = OnnxFixtures.relativeError(tf, ort);
      System.out.printf("PARITY ort-vs-tf %s: %.2e%n", name, err);
      assertTrue(err < 1e-5, name + ": TF vs ORT relative error " + err);
    }
  }
}
