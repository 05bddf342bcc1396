package org.mgm.savedmodel;

import java.nio.file.Path;
import java.util.Map;
import org.mgm.mgm.FrozenMixer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A mixer generator saved by {@code pretrain-mixer}: signature inputs {@code condition} and
 * {@code noise}, output {@code y}. Each attach grafts a fresh frozen copy under its own prefix.
 */
public final class SavedModelMixer implements FrozenMixer, AutoCloseable {
  public static final String CONDITION = "condition";
  public static final String NOISE = "noise";
  public static final String OUTPUT = "y";

  private final FrozenSavedModel model;
  private final Widths widths;
  private int attachments;

  private SavedModelMixer(FrozenSavedModel model, long outputWidth) {
    this.model = model;
    this.widths = new Widths(model.inputShape(CONDITION).get(1), model.inputShape(NOISE).get(1), outputWidth);
  }

  /**
   * @param expectedConditionWidth what the experiment will bind; a mismatch is reported here,
   *     naming the directory, before any training starts
   */
  public static SavedModelMixer load(Path dir, long expectedConditionWidth, long outputWidth) {
    FrozenSavedModel m = FrozenSavedModel.load(dir, MlpSavedModelExporter.SIGNATURE);
    try {
      SavedModelMixer mixer = new SavedModelMixer(m, outputWidth);
      if (mixer.conditionWidth() != expectedConditionWidth) {
        throw new SavedModelLoadException(dir + ": mixer input '" + CONDITION + "' has width "
            + mixer.conditionWidth() + ", expected " + expectedConditionWidth + " (the agents' outputs concatenated)");
      }
      return mixer;
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  @Override
  public Widths widths() {
    return widths;
  }

  @Override
  public Operand<TFloat32> attach(Ops tf, Operand<TFloat32> condition, Operand<TFloat32> noise) {
    return model.graft(tf, "mixer" + attachments++, Map.of(CONDITION, condition, NOISE, noise)).get(OUTPUT);
  }

  @Override
  public void close() {
    model.close();
  }
}
