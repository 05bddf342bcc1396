package org.mgm.onnx.export;

import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.savedmodel.FrozenSavedModel;

/**
 * Exports a flat SavedModel signature (the synthetic experiment's MLP mixers and agents, or a
 * TF1 SavedModel) to ONNX: the signature's graph frozen with the session's variable values, then
 * translated by {@link TfGraphToOnnx}. Initializers are named after the variables, and the
 * declared shapes are TF's (a mixer's y is [batch, 2]).
 */
public final class SavedModelToOnnx {
  public static final int OPSET = TfGraphToOnnx.OPSET;

  private SavedModelToOnnx() {}

  public static ModelProto convert(FrozenSavedModel model) {
    return new TfGraphToOnnx().convert(model.frozenGraphDef(), model.signatureTensors(true),
        model.signatureTensors(false), model.source());
  }
}
