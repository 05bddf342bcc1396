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
