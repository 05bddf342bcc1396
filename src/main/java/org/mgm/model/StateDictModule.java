package org.mgm.model;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A module whose tensors are named and laid out as in the PyTorch module it mirrors.
 *
 * <p>Keeping PyTorch's names ({@code weight_ih_l0}, {@code fc1.bias}) and layouts ([out, in] for a
 * linear weight, [out, in, k] for a convolution) makes weights move 1:1 between this toolkit and a
 * PyTorch model, and makes a parameter's gradient directly comparable with autograd's.
 */
public interface StateDictModule extends Module {
  /**
   * The module's tensors in state-dict order: variable reads when trainable, constants when
   * frozen. Fetch them with {@link StateDicts#read} to persist or export the current values.
   */
  Map<String, Operand<TFloat32>> stateDict();

  /** Width of the last axis the module accepts (layers of a {@link Sequential} are checked to fit). */
  long inputWidth();

  /** Width of the last axis the module produces. */
  long outputWidth();
}
