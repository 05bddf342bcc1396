package org.mgm.feedback;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
 * A mixer generator given as ONNX, imported frozen with its inputs bound to the agents' outputs
 * and the mixer noise of the training graph. The toolkit's own mixers name them "condition" and
 * "noise"; a foreign one is bound by a {@link MixerSignature} (its signature key is ignored).
 */
public final class OnnxMixer implements FrozenMixer {
  public static final String CONDITION = "condition";
  public static final String NOISE = "noise";

  private final Path file;
  private final ModelProto model;
  private final Widths widths;
  private final String condition;
  private final String noise;
  private final String output;
  private int attachments;

  private OnnxMixer(Path file, ModelProto model, MixerSignature names, String output, Widths widths) {
    this.file = file;
    this.model = model;
    this.condition = names.condition();
    this.noise = names.noise();
    this.output = output;
    this.widths = widths;
  }

  /** A mixer with the toolkit's input names and one output. */
  public static OnnxMixer load(Path file, long expectedConditionWidth, long outputWidth) throws IOException {
    return load(file, MixerSignature.DEFAULT, expectedConditionWidth, outputWidth);
  }

  /**
   * Reads the model and checks, before any training, that the named inputs exist as
   * [batch, width] and the condition is as wide as the agents' concatenated outputs. The output is
   * the model's only one, or the one {@code names.output()} names.
   */
  public static OnnxMixer load(Path file, MixerSignature names, long expectedConditionWidth, long outputWidth)
      throws IOException {
    ModelProto m = OnnxModelFile.read(file);
    OnnxImporter.defaultOpset(m, file.toString());
    long c = width(file, m, names.condition(), "condition");
    if (c != expectedConditionWidth) {
      throw new OnnxFormatException(file + ": mixer input '" + names.condition() + "' has width " + c + ", expected "
          + expectedConditionWidth + " (the agents' outputs concatenated)");
    }
    long z = width(file, m, names.noise(), "noise");
    List<String> outputs = m.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList();
    String out = outputs.size() == 1 ? outputs.get(0) : names.output();
    if (!outputs.contains(out)) {
      throw new OnnxFormatException(file + ": the mixer has no output '" + out + "' (outputs: " + outputs + ")");
    }
    return new OnnxMixer(file, m, names, out, new Widths(c, z, outputWidth));
  }

  private static long width(Path file, ModelProto m, String input, String role) {
    for (ValueInfoProto v : m.getGraph().getInputList()) {
      if (v.getName().equals(input)) {
        TensorShapeProto s = v.getType().getTensorType().getShape();
        if (s.getDimCount() != 2 || !s.getDim(1).hasDimValue()) {
          throw new OnnxFormatException(file + ": mixer input '" + input + "' must be [batch, width]");
        }
        return s.getDim(1).getDimValue();
      }
    }
    throw new OnnxFormatException(file + ": the mixer has no input '" + input + "' for the " + role + " (inputs: "
        + m.getGraph().getInputList().stream().map(ValueInfoProto::getName).toList() + ")");
  }

  @Override
  public Widths widths() {
    return widths;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise) {
    ImportOptions o = ImportOptions.frozen("onnx_mixer" + attachments++)
        .withBindings(Map.of(this.condition, condition, this.noise, noise));
    var imported = new OnnxImporter().importModel((Graph) tf.scope().env(), model, o, file.toString());
    return (Operand<TFloat32>) imported.output(output);
  }
}
