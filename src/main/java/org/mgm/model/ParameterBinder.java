package org.mgm.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Puts a module's initial values into the graph, as resource variables (trainable) or as
 * constants (frozen), so that each layer states its tensors once and the trainable/frozen choice
 * lives in one place. A frozen module's constants are invisible to every optimizer, which is how
 * the pre-trained mixer stays fixed while gradients still flow through it to the agent.
 */
public final class ParameterBinder {
  private final ModuleScope scope;
  private final boolean trainable;
  private final Map<String, HostTensor> values;
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<String, Operand<TFloat32>> tensors = new LinkedHashMap<>();

  /** @param values the module's state dict; every entry must be bound, none may be missing */
  public ParameterBinder(ModuleScope scope, boolean trainable, Map<String, HostTensor> values) {
    this.scope = scope;
    this.trainable = trainable;
    this.values = values;
  }

  /** The operand for {@code key}, after checking that its value has the shape the layer needs. */
  public Operand<TFloat32> bind(String key, long... shape) {
    HostTensor value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException(scope.path() + ": no value for '" + key + "' (have " + values.keySet() + ")");
    }
    if (!Arrays.equals(value.shape(), shape)) {
      throw new IllegalArgumentException(scope.path() + ": '" + key + "' has shape " + Arrays.toString(value.shape())
          + ", the layer needs " + Arrays.toString(shape));
    }
    float[] data = value.asFloating(ElementType.FLOAT32).floats();
    Operand<TFloat32> operand;
    if (trainable) {
      Parameter p = ResourceVariables.create(scope.ops(), scope.path(), key,
          NdArrays.wrap(Shape.of(shape), DataBuffers.of(data, true, false)));
      parameters.add(p);
      operand = p.value();
    } else {
      operand = scope.ops().withName(key).constant(Shape.of(shape), DataBuffers.of(data, true, false));
    }
    tensors.put(key, operand);
    return operand;
  }

  /** Fails on values nobody bound: a misspelt or foreign key would otherwise be ignored silently. */
  public void requireAllBound() {
    List<String> extra = new ArrayList<>(values.keySet());
    extra.removeAll(tensors.keySet());
    if (!extra.isEmpty()) {
      throw new IllegalArgumentException(scope.path() + ": unexpected weights " + extra + " (expects " + tensors.keySet() + ")");
    }
  }

  public ParameterList parameters() {
    return new ParameterList(scope.path(), parameters);
  }

  public Map<String, Operand<TFloat32>> stateDict() {
    return Collections.unmodifiableMap(tensors);
  }
}
