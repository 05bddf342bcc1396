package org.mgm.onnx.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tf.GraphFreezer;
import org.mgm.tf.TfModel;

/**
 * Exports a TF model (any format {@link TfModel} reads: the synthetic experiment's Java-built
 * SavedModels, TF1 SavedModels and checkpoints, Keras and {@code tf.Module} exports) to ONNX: the
 * outputs' part of the graph frozen with the variables' values and its calls inlined
 * ({@link GraphFreezer}), then translated by {@link TfGraphToOnnx}. Initializers are named after
 * the variables, and the declared shapes are TF's (a mixer's y is [batch, 2]).
 */
public final class TfModelToOnnx {
  public static final int OPSET = TfGraphToOnnx.OPSET;

  private TfModelToOnnx() {}

  /** @param outputs names of the outputs to export; empty means the model's own outputs */
  public static ModelProto convert(TfModel model, List<String> outputs) {
    List<String> names = outputs.isEmpty() ? new ArrayList<>(model.outputs().keySet()) : outputs;
    if (names.isEmpty()) {
      throw new org.mgm.tf.TfModelException(model.source() + ": name the outputs to export (" + model.outputHint() + ")");
    }
    Map<String, String> tensors = new LinkedHashMap<>();
    for (String o : names) {
      // A tensor name ("y:0") names the ONNX output after its node, as placeholders name the
      // inputs: "y:0" is already the exporter's name for that tensor inside the graph.
      tensors.put(o.endsWith(":0") ? o.substring(0, o.length() - 2) : o, model.tensorOf(o));
    }
    GraphFreezer.Frozen f = GraphFreezer.freeze(model, tensors);
    return new TfGraphToOnnx().convert(f.graph(), f.inputs(), f.outputs(), model.source());
  }

  public static ModelProto convert(TfModel model) {
    return convert(model, List.of());
  }
}
