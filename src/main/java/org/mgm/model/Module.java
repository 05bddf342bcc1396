package org.mgm.model;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A network inside the run's single graph: it maps an operand already in the graph to a new
 * operand, so modules chain without copying through Java (the agent's output feeds the mixer).
 * Applying a module twice shares its parameters.
 */
public interface Module {
  String name();

  Operand<TFloat32> apply(Operand<TFloat32> input);

  /** The parameters an optimizer may update; empty for a frozen module. */
  ParameterList trainable();

  /** Width of the last axis the module accepts. */
  long inputWidth();

  /** Width of the last axis the module produces. */
  long outputWidth();
}
