package org.mgm.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A network inside the run's single graph, built in Java (MLP) or imported (ONNX, TF): it maps an
 * operand already in the graph to a new operand, so modules chain without copying through Java
 * (the agent's output feeds the mixer). Every {@link #apply} adds one more application sharing
 * the same parameters, which is how a critic judges real and fake batches, a gradient penalty
 * differentiates it at interpolates, and a sampler reads the generator being trained.
 */
public interface Module {
  String name();

  Operand<TFloat32> apply(Operand<TFloat32> input);

  /**
   * What an optimizer may update, with the module's policy: empty and {@link
   * ParameterList.Policy#FROZEN} for a frozen module (a pretrained mixer), the singular-value
   * factors for an {@link ParameterList.Policy#ADAPTED} one (FSGAN).
   */
  ParameterList parameters();
}
