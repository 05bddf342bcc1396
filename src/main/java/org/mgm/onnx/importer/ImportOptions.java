package org.mgm.onnx.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.tensor.ElementType;
import org.tensorflow.Operand;
import org.tensorflow.Output;

/**
 * What to import and how.
 *
 * @param scope name prefix of every emitted TF op (one module per scope)
 * @param floatType null (the default, as {@link #frozen} gives): each tensor keeps the type the
 *     model declares, so a float64 model computes and returns float64 and Cast honours its
 *     {@code to}. A floating type: the whole graph's choice, every floating tensor (inputs,
 *     initializers, constants, Cast results) computed in it, as gradient checks import in
 *     FLOAT64 ({@link #withFloatType}). Trainable and singular-value initializers are float32:
 *     import other models with {@code withFloatType(FLOAT32)} to train them.
 * @param bindings ONNX graph inputs bound to operands already in the graph (an agent's output
 *     feeding a frozen mixer); the other inputs become placeholders
 * @param outputs ONNX outputs to expose; empty means all graph outputs
 * @param initializers frozen / trainable / fed, per initializer
 * @param convLayout how NCHW convolutions are emitted
 * @param twiceDifferentiable emit Relu as Maximum and Tanh through Exp, whose gradients can be
 *     differentiated again (R1 penalties); TF 2.18 has no gradient for ReluGrad or TanhGrad
 * @param shared initializer name → an operand of an earlier import of the same model: a second
 *     application of a network (a critic on real and on generated images) that shares its
 *     parameters with the first
 */
public record ImportOptions(
    String scope,
    ElementType floatType,
    Map<String, Operand<?>> bindings,
    List<String> outputs,
    InitializerPolicy initializers,
    ConvLayout convLayout,
    boolean twiceDifferentiable,
    Map<String, Output<?>> shared) {

  public ImportOptions {
    if (floatType != null && !floatType.isFloating()) {
      throw new IllegalArgumentException("floatType must be a floating type or null (as declared), got " + floatType);
    }
    bindings = new LinkedHashMap<>(bindings);
    outputs = List.copyOf(outputs);
    shared = new LinkedHashMap<>(shared);
  }

  /** A frozen import of every output in the model's own types, inputs as placeholders. */
  public static ImportOptions frozen(String scope) {
    return new ImportOptions(scope, null, Map.of(), List.of(), InitializerPolicy.allFrozen(),
        ConvLayout.defaultLayout(), false, Map.of());
  }

  /** Every floating tensor computed as {@code t}; null: each as the model declares it. */
  public ImportOptions withFloatType(ElementType t) {
    return new ImportOptions(scope, t, bindings, outputs, initializers, convLayout, twiceDifferentiable, shared);
  }

  /** {@code declared}, or the whole graph's float type for a floating one when the import has one. */
  public ElementType computedAs(ElementType declared) {
    return floatType != null && declared.isFloating() ? floatType : declared;
  }

  public ImportOptions withBindings(Map<String, Operand<?>> b) {
    return new ImportOptions(scope, floatType, b, outputs, initializers, convLayout, twiceDifferentiable, shared);
  }

  public ImportOptions withOutputs(List<String> o) {
    return new ImportOptions(scope, floatType, bindings, o, initializers, convLayout, twiceDifferentiable, shared);
  }

  public ImportOptions withInitializers(InitializerPolicy p) {
    return new ImportOptions(scope, floatType, bindings, outputs, p, convLayout, twiceDifferentiable, shared);
  }

  public ImportOptions withConvLayout(ConvLayout l) {
    return new ImportOptions(scope, floatType, bindings, outputs, initializers, l, twiceDifferentiable, shared);
  }

  public ImportOptions withScope(String newScope) {
    return new ImportOptions(newScope, floatType, bindings, outputs, initializers, convLayout, twiceDifferentiable, shared);
  }

  /** Reuse another import's parameters: see {@link ImportedGraph#parameterOperands()}. */
  public ImportOptions withShared(Map<String, Output<?>> s) {
    return new ImportOptions(scope, floatType, bindings, outputs, initializers, convLayout, twiceDifferentiable, s);
  }

  public ImportOptions withTwiceDifferentiable(boolean t) {
    return new ImportOptions(scope, floatType, bindings, outputs, initializers, convLayout, t, shared);
  }
}
