package org.mgm.model;

import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A PyTorch-style layer whose tensors come from one {@link ParameterBinder}: its name is its
 * scope's path, its state dict and parameter list are the binder's. Subclasses bind their
 * tensors in their constructor and say how they apply them.
 */
abstract class WeightedLayer implements StateDictModule {
  protected final ModuleScope scope;
  protected final ParameterBinder binder;

  protected WeightedLayer(ModuleScope scope, boolean trainable, Map<String, HostTensor> weights) {
    this.scope = scope;
    this.binder = new ParameterBinder(scope, trainable, weights);
  }

  @Override
  public final Map<String, Operand<TFloat32>> stateDict() {
    return binder.stateDict();
  }

  @Override
  public final String name() {
    return scope.path();
  }

  @Override
  public final ParameterList parameters() {
    return binder.parameters();
  }
}
