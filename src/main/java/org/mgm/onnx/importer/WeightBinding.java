package org.mgm.onnx.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.mgm.model.Parameter;
import org.mgm.model.ParameterList;
import org.mgm.model.ResourceVariables;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/**
 * The one place a weight that is not frozen becomes a graph operand by its
 * {@link InitializerPolicy.Kind}, for every model format (ONNX initializers, TF variables), and
 * the record of the parameters that made: trainable variables, fed placeholders and their values,
 * singular-value layers. Frozen weights stay with each importer, since what a constant is differs
 * (the ONNX importer folds constants at import time; the TF importer copies Const nodes).
 */
public final class WeightBinding {
  /** Where a weight keeps its output channels, which singular values are taken over. */
  public enum Layout {
    /** ONNX and PyTorch: [out, in, k…] (or rosinality's [1, out, in, k, k]). */
    OUT_FIRST,
    /** TF: [in, out] dense and [k, k, in, out] conv kernels. */
    OUT_LAST
  }

  /** Makes the placeholder a FED weight is fed through, where and as the importer names its placeholders. */
  @FunctionalInterface
  public interface Placeholders {
    Output<?> create(String leaf, ElementType type, Shape shape);
  }

  private final Ops ops;
  private final String scope;
  private final ElementType floatType;
  private final Layout layout;
  private final UnaryOperator<String> leafOf;
  private final Placeholders placeholders;
  // Made on first use, once: each withSubScope walks the whole graph (see OpNamePrefixes).
  private Ops paramOps;
  private Ops svdOps;
  private OpNamePrefixes svdNames;
  private final List<Parameter> trainable = new ArrayList<>();
  private final Map<String, Parameter> trainableByName = new LinkedHashMap<>();
  private final Map<String, Output<?>> fed = new LinkedHashMap<>();
  private final Map<String, HostTensor> fedValues = new LinkedHashMap<>();
  private final Map<String, Output<?>> reparameterized = new LinkedHashMap<>();
  private final Map<String, Parameter> scales = new LinkedHashMap<>();

  /**
   * @param ops ops under the import's scope
   * @param scope the import's scope name
   * @param leafOf a weight's name as a TF op name part
   */
  public WeightBinding(Ops ops, String scope, ElementType floatType, Layout layout, UnaryOperator<String> leafOf,
      Placeholders placeholders) {
    this.ops = ops;
    this.scope = scope;
    this.floatType = floatType;
    this.layout = layout;
    this.leafOf = leafOf;
    this.placeholders = placeholders;
  }

  /**
   * The operand for weight {@code name} of kind {@code kind}, computed as {@code computedAs}.
   * Every kind but FROZEN is bound here (exhaustively: a kind added to the policy will not
   * compile until it is bound); a kind the weight cannot take is refused naming the weight.
   */
  public Output<?> bind(String name, HostTensor value, InitializerPolicy.Kind kind, ElementType computedAs) {
    String leaf = leafOf.apply(name);
    return switch (kind) {
      case FROZEN -> throw new IllegalArgumentException("weight '" + name + "' is FROZEN: the importer makes it a constant");
      case TRAINABLE -> {
        requireFloat32(name, "trainable", computedAs, ", or make it FED");
        if (paramOps == null) {
          paramOps = ops.withSubScope("params");
        }
        Parameter p = ResourceVariables.imported(paramOps, scope + "/params", leaf, NdArrays.wrap(Shape.of(value.shape()),
            DataBuffers.of(value.asFloating(ElementType.FLOAT32).floats(), true, false)));
        trainable.add(p);
        trainableByName.put(name, p);
        yield p.value().asOutput();
      }
      case SINGULAR_VALUES -> {
        requireFloat32(name, "singular-value", computedAs, "");
        if (svdOps == null) {
          svdOps = ops.withSubScope("svd");
          svdNames = new OpNamePrefixes(ops, "svd_weights");
        }
        SingularValueLayer layer = SingularValueLayer.create(svdOps, svdNames.emitter(leaf, floatType), scope + "/svd",
            name, leaf, value, layout);
        trainable.add(layer.lambda());
        scales.put(name, layer.lambda());
        reparameterized.put(name, layer.weight());
        yield layer.weight();
      }
      case FED -> {
        Output<?> ph = placeholders.create(leaf, computedAs, Shape.of(value.shape()));
        fed.put(name, ph);
        fedValues.put(name, value.asFloating(computedAs));
        yield ph;
      }
    };
  }

  private static void requireFloat32(String name, String what, ElementType computedAs, String orElse) {
    if (computedAs != ElementType.FLOAT32) {
      throw new IllegalArgumentException(what + " weights are float32, '" + name + "' is " + computedAs
          + "; import with withFloatType(FLOAT32)" + orElse);
    }
  }

  /** The import's result with these parameters. */
  public ImportedGraph result(Map<String, Output<?>> inputs, Map<String, Output<?>> outputs) {
    return new ImportedGraph(inputs, outputs, new ParameterList(scope, trainable), trainableByName, reparameterized, fed,
        fedValues, scales);
  }
}
