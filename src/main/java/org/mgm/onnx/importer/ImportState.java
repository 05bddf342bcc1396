package org.mgm.onnx.importer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.mgm.model.FrozenWeights;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/**
 * ONNX value name → TF output, and the values known at import time (constants, initializers).
 *
 * <p>A rank-4 value may also have a channels-last twin: the same tensor in NHWC, left by an op
 * that computes in NHWC. Its NCHW form is then made only when a consumer asks for it, so that a
 * chain of NHWC-capable ops (Conv → InstanceNorm → Relu → Pad → Conv) runs without a transpose
 * pair around every convolution.
 *
 * <p>A subgraph (If branch, Loop or Scan body) gets a child state: its values are its own, and the
 * outer graph's stay visible by name, as ONNX scoping rules say.
 */
final class ImportState {
  private final ImportState parent;
  private final Map<String, Output<?>> values = new HashMap<>();
  private final Map<String, Output<?>> channelsLast = new HashMap<>();
  private final Map<String, Supplier<Output<?>>> deferredNchw = new HashMap<>();
  private final Map<String, HostTensor> constants = new HashMap<>();
  private final Map<String, Supplier<HostTensor>> decodedOnUse = new HashMap<>();
  private final Map<String, Supplier<HostTensor>> initialValues = new HashMap<>();
  private final Map<String, PartialValues.Partial> partials = new HashMap<>();
  private final Map<String, FrozenWeights.Value> frozen = new HashMap<>();

  ImportState() {
    this(null);
  }

  private ImportState(ImportState parent) {
    this.parent = parent;
  }

  /** A scope for one emission of a subgraph: its names are its own, outer values stay visible. */
  ImportState child() {
    return new ImportState(this);
  }

  void define(String name, Output<?> value) {
    values.put(name, value);
  }

  /** A value known in NHWC; {@code toNchw} makes its NCHW form, at most once, on first use. */
  void defineChannelsLast(String name, Output<?> nhwc, Supplier<Output<?>> toNchw) {
    channelsLast.put(name, nhwc);
    deferredNchw.put(name, toNchw);
  }

  /** The NHWC twin of a value, or null when it has none. */
  Output<?> channelsLast(String name) {
    Output<?> v = channelsLast.get(name);
    return v == null && parent != null && !isLocal(name) ? parent.channelsLast(name) : v;
  }

  /** Whether this scope (not an outer one) defines the name. */
  private boolean isLocal(String name) {
    return values.containsKey(name) || deferredNchw.containsKey(name) || frozen.containsKey(name)
        || constants.containsKey(name) || decodedOnUse.containsKey(name);
  }

  void defineConstant(String name, HostTensor value) {
    constants.put(name, value);
  }

  /**
   * An import-time value that is decoded again whenever it is read: large frozen weights, which
   * the graph already holds and import-time logic rarely reads, so that the import does not keep
   * a second copy of all of them on the Java heap.
   */
  void defineConstant(String name, Supplier<HostTensor> decode) {
    decodedOnUse.put(name, decode);
  }

  /**
   * A large frozen initializer: its variable is made when the graph first reads it, in the form
   * it is read in (see {@link #frozenAs}); {@code decode} gives its import-time value.
   */
  void defineFrozen(String name, FrozenWeights.Value value, Supplier<HostTensor> decode) {
    frozen.put(name, value);
    decodedOnUse.put(name, decode);
  }

  /**
   * A frozen initializer in the form {@code atLoad} makes from it, stored so when the session
   * loads it (see {@link FrozenWeights.Value#readAs}); null when the value is not frozen.
   */
  Output<?> frozenAs(String name, String form, UnaryOperator<Output<?>> atLoad) {
    FrozenWeights.Value v = frozen.get(name);
    if (v == null && parent != null && !isLocal(name)) {
      return parent.frozenAs(name, form, atLoad);
    }
    return v == null ? null : v.readAs(form, atLoad);
  }

  /** The shape of a frozen initializer without making its variable; null when not frozen. */
  Shape frozenShape(String name) {
    FrozenWeights.Value v = frozen.get(name);
    if (v == null && parent != null && !isLocal(name)) {
      return parent.frozenShape(name);
    }
    return v == null ? null : v.shape();
  }

  boolean hasConstant(String name) {
    return constants.containsKey(name) || decodedOnUse.containsKey(name)
        || parent != null && !isLocal(name) && parent.hasConstant(name);
  }

  /**
   * A trainable or fed initializer's stored value, for op arguments that must be static; decoded
   * again on each such (rare) use, like large frozen weights: a full-size StyleGAN2 holds 120 MB
   * of them, which the heap need not keep through the import.
   */
  void defineInitialValue(String name, Supplier<HostTensor> decode) {
    initialValues.put(name, decode);
  }

  HostTensor initialValue(String name) {
    Supplier<HostTensor> v = initialValues.get(name);
    if (v == null && parent != null && !isLocal(name)) {
      return parent.initialValue(name);
    }
    return v == null ? null : v.get();
  }

  void definePartial(String name, PartialValues.Partial value) {
    partials.put(name, value);
  }

  PartialValues.Partial partial(String name) {
    PartialValues.Partial p = partials.get(name);
    return p == null && parent != null && !isLocal(name) ? parent.partial(name) : p;
  }

  boolean isDefined(String name) {
    return values.containsKey(name) || deferredNchw.containsKey(name) || frozen.containsKey(name)
        || parent != null && parent.isDefined(name);
  }

  Output<?> value(String name, String user) {
    Output<?> v = values.get(name);
    if (v == null && deferredNchw.containsKey(name)) {
      v = deferredNchw.remove(name).get();
      values.put(name, v);
    }
    if (v == null && frozen.containsKey(name)) {
      v = frozen.get(name).read();
      values.put(name, v);
    }
    if (v == null && parent != null) {
      return parent.value(name, user);
    }
    if (v == null) {
      throw new OnnxFormatException(user + ": input '" + name + "' is not produced by any earlier node, "
          + "initializer or graph input (is the graph topologically sorted?)");
    }
    return v;
  }

  /** The import-time value, or null when the value is only known when the graph runs. */
  HostTensor constant(String name) {
    HostTensor c = constants.get(name);
    if (c == null && decodedOnUse.containsKey(name)) {
      c = decodedOnUse.get(name).get();
    }
    if (c == null && parent != null && !isLocal(name)) {
      c = parent.constant(name);
    }
    return c;
  }
}
