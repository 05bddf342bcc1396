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
 * @param floatType element type of every floating tensor in the graph: FLOAT32 for training and
 *     inference, FLOAT64 for gradient checks
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
    if (!floatType.isFloating()) {
      throw new IllegalArgumentException("floatType must be FLOAT32 or FLOAT64, got " + floatType);
    }
    bindings = new LinkedHashMap<>(bindings);
    outputs = List.copyOf(outputs);
    shared = new LinkedHashMap<>(shared);
  }

  /** A frozen float32 import of every output, inputs as placeholders. */
  public static ImportOptions frozen(String scope) {
    return new ImportOptions(scope, ElementType.FLOAT32, Map.of(), List.of(), InitializerPolicy.allFrozen(),
        ConvLayout.defaultLayout(), false, Map.of());
  }

  public ImportOptions withFloatType(ElementType t) {
    return new ImportOptions(scope, t, bindings, outputs, initializers, convLayout, twiceDifferentiable, shared);
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
