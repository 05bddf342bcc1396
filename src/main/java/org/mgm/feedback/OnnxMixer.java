package org.mgm.feedback;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.TensorShapeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A mixer generator given as ONNX (inputs "condition" and "noise", one output), imported frozen
 * with its inputs bound to the agents' outputs and the mixer noise of the training graph.
 */
public final class OnnxMixer implements FrozenMixer {
  public static final String CONDITION = "condition";
  public static final String NOISE = "noise";

  private final Path file;
  private final ModelProto model;
  private final Widths widths;
  private int attachments;

  private OnnxMixer(Path file, ModelProto model, long conditionWidth, long noiseWidth, long outputWidth) {
    this.file = file;
    this.model = model;
    this.widths = new Widths(conditionWidth, noiseWidth, outputWidth);
  }

  public static OnnxMixer load(Path file, long expectedConditionWidth, long outputWidth) throws IOException {
    ModelProto m = OnnxModelFile.read(file);
    OnnxImporter.defaultOpset(m, file.toString());
    long c = width(file, m, CONDITION);
    if (c != expectedConditionWidth) {
      throw new OnnxFormatException(file + ": mixer input '" + CONDITION + "' has width " + c + ", expected "
          + expectedConditionWidth + " (the agents' outputs concatenated)");
    }
    if (m.getGraph().getOutputCount() != 1) {
      throw new OnnxFormatException(file + ": a mixer has one output, this model has " + m.getGraph().getOutputCount());
    }
    return new OnnxMixer(file, m, c, width(file, m, NOISE), outputWidth);
  }

  private static long width(Path file, ModelProto m, String input) {
    for (ValueInfoProto v : m.getGraph().getInputList()) {
      if (v.getName().equals(input)) {
        TensorShapeProto s = v.getType().getTensorType().getShape();
        if (s.getDimCount() != 2 || !s.getDim(1).hasDimValue()) {
          throw new OnnxFormatException(file + ": mixer input '" + input + "' must be [batch, width]");
        }
        return s.getDim(1).getDimValue();
      }
    }
    throw new OnnxFormatException(file + ": the mixer has no input '" + input + "'");
  }

  @Override
  public Widths widths() {
    return widths;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise) {
    ImportOptions o = ImportOptions.frozen("onnx_mixer" + attachments++)
        .withBindings(Map.of(CONDITION, condition, NOISE, noise));
    var imported = new OnnxImporter().importModel((Graph) tf.scope().env(), model, o, file.toString());
    return (Operand<TFloat32>) imported.output();
  }
}
