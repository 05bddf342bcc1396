package org.mgm.fuzz;

import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.tensorflow.Graph;

/**
 * ONNX model files through the reader and the importer into a TF graph (what inspect, infer,
 * gradcheck and every mixer load do): protobuf, external data, opsets, node attributes, shapes.
 */
public final class OnnxFuzzTarget {
  private OnnxFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzInput.expectNamedErrorsOnly(() -> {
      ModelProto model = OnnxModelFile.read(FuzzInput.file(data));
      try (Graph g = new Graph()) {
        new OnnxImporter().importModel(g, model, ImportOptions.frozen("m"), "fuzz.onnx");
      }
    });
  }
}
