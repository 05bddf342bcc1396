package org.mgm.fuzz;

import java.util.List;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.mgm.tf.TfModelSummary;
import org.tensorflow.Graph;

/**
 * Frozen TF GraphDefs (.pb) through {@link TfModel} and the importer into a TF graph, what
 * {@code inspect}, {@code infer} and {@code gradcheck} do with one: protobuf, node and tensor
 * references, function libraries, attributes and Const values that reach TF's own op
 * construction and shape inference. SavedModels and TF1 checkpoints share this path once their
 * files are read; their loaders are TF's own.
 */
public final class TfGraphFuzzTarget {
  private TfGraphFuzzTarget() {}

  /**
   * Run once by Jazzer before the timed inputs: TF's first graph, its op registry and the op
   * allowlist take seconds to load (4.7 s idle), which on a loaded machine passed the 10 s
   * per-input timeout and was reported as a finding of whatever input came first.
   */
  public static void fuzzerInitialize() throws Throwable {
    org.tensorflow.proto.GraphDef tiny = org.tensorflow.proto.GraphDef.newBuilder()
        .addNode(org.tensorflow.proto.NodeDef.newBuilder().setName("x").setOp("Placeholder")
            .putAttr("dtype", org.tensorflow.proto.AttrValue.newBuilder()
                .setType(org.tensorflow.proto.DataType.DT_FLOAT).build()))
        .build();
    fuzzerTestOneInput(tiny.toByteArray());
  }

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzInput.expectNamedErrorsOnly(() -> {
      try (TfModel model = TfModel.open(FuzzInput.file(data), TfModel.DEFAULT_SIGNATURE)) {
        TfModelSummary.of(model, List.of());
        try (Graph g = new Graph()) {
          TfGraphImporter.importModel(g, model, ImportOptions.frozen("m"));
        }
      }
    });
  }
}
