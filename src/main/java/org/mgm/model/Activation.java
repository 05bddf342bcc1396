package org.mgm.model;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A parameter-free elementwise nonlinearity as a module, so that a network reads as one
 * {@link Sequential} list like its PyTorch definition.
 */
public final class Activation implements StateDictModule {
  /** The nonlinearities the time-series networks use; both have C++ gradients in TF 2.18. */
  public enum Kind {
    RELU,
    TANH
  }

  private final ModuleScope scope;
  private final Kind kind;
  private final long width;

  private Activation(ModuleScope scope, Kind kind, long width) {
    this.scope = scope;
    this.kind = kind;
    this.width = width;
  }

  /** @param width the width of the last axis, passed through unchanged */
  public static Activation create(ModuleScope scope, Kind kind, long width) {
    return new Activation(scope, kind, width);
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    return switch (kind) {
      case RELU -> s.nn.relu(input);
      case TANH -> s.math.tanh(input);
    };
  }

  @Override
  public Map<String, Operand<TFloat32>> stateDict() {
    return Map.of();
  }

  @Override
  public String name() {
    return scope.path();
  }

  @Override
  public ParameterList parameters() {
    return ParameterList.empty(scope.path());
  }

  @Override
  public long inputWidth() {
    return width;
  }

  @Override
  public long outputWidth() {
    return width;
  }
}
