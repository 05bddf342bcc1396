package org.mgm.feedback;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.tf.TfEndpoint;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.mgm.tf.TfModelException;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A mixer generator from any TF format (SavedModel of the toolkit, of {@code tf.saved_model.save}
 * or Keras; MetaGraph + checkpoint; frozen GraphDef), its inputs named by a {@link MixerSignature}.
 * Each attach imports a fresh frozen copy under its own scope with the inputs bound.
 */
public final class TfMixer implements FrozenMixer {
  private final TfModel model;
  private final MixerSignature names;
  private final Widths widths;
  private int attachments;

  private TfMixer(TfModel model, MixerSignature names, Widths widths) {
    this.model = model;
    this.names = names;
    this.widths = widths;
  }

  /**
   * Opens the model and checks, before any training, that the named inputs and output exist and
   * that the condition input is as wide as the agents' concatenated outputs.
   */
  public static TfMixer load(Path path, MixerSignature names, long expectedConditionWidth, long outputWidth) {
    TfModel m = TfModel.open(path, names.signature());
    try {
      long condition = width(m, names.condition(), "condition");
      if (condition != expectedConditionWidth) {
        throw new TfModelException(path + ": mixer input '" + names.condition() + "' has width " + condition
            + ", expected " + expectedConditionWidth + " (the agents' outputs concatenated)");
      }
      long noise = width(m, names.noise(), "noise");
      m.tensorOf(names.output());
      if (!m.outputs().isEmpty() && !m.outputs().containsKey(names.output())) {
        throw new TfModelException(path + ": the mixer has no output '" + names.output() + "' (outputs: "
            + m.outputs().keySet() + "; set it with --mixer-output or mixer.signature.output)");
      }
      return new TfMixer(m, names, new Widths(condition, noise, outputWidth));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static long width(TfModel m, String input, String role) {
    TfEndpoint e = m.inputs().get(input);
    if (e == null) {
      throw new TfModelException(m.source() + ": the mixer has no input '" + input + "' for the " + role
          + " (inputs: " + m.inputs().keySet() + "; bind them with --mixer-input " + role + "=NAME)");
    }
    if (e.shape() == null || e.shape().length != 2 || e.shape()[1] < 0) {
      throw new TfModelException(m.source() + ": mixer input '" + input + "' must be [batch, width], is "
          + (e.shape() == null ? "of unknown rank" : java.util.Arrays.toString(e.shape())));
    }
    return e.shape()[1];
  }

  @Override
  public Widths widths() {
    return widths;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise) {
    ImportOptions o = ImportOptions.frozen("mixer" + attachments++)
        .withBindings(Map.of(names.condition(), condition, names.noise(), noise))
        .withOutputs(List.of(names.output()));
    return (Operand<TFloat32>) TfGraphImporter.importModel((Graph) tf.scope().env(), model, o).output(names.output());
  }

  @Override
  public void close() {
    model.close();
  }
}
