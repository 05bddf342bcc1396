package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ConvLayout;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/**
 * The NHWC import transposes activations only at the graph's edges: a CycleGAN-style chain
 * (Conv, InstanceNorm, Relu, reflect Pad, residual Add, ConvTranspose, Tanh) stays channels-last
 * from its first convolution to its output. Values are checked against ONNX Runtime and finite
 * differences in {@link OpGradientTest}; this test checks the structure that makes it fast.
 */
class ChannelsLastImportTest {
  /** Transposes of computed tensors; a frozen weight's transpose reads a Const or a frozen variable. */
  private static int activationTransposes(Graph g) {
    int n = 0;
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("Transpose") && !java.util.Set.of("Const", "ReadVariableOp").contains(op.input(0).op().type())) {
        n++;
      }
    }
    return n;
  }

  private static int count(Graph g, String type) {
    int n = 0;
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      n += it.next().type().equals(type) ? 1 : 0;
    }
    return n;
  }

  @Test
  void resnetBlockIsTransposedOnlyAtItsInputAndOutput() {
    OpGradientTest.Case k = OpGradientTest.resnetBlockChain();
    ImportOptions o = ImportOptions.frozen("m").withConvLayout(ConvLayout.CHANNELS_LAST);
    try (ImportedSession s = new ImportedSession(OpGradientTest.model(k), o, k.name())) {
      assertEquals(3, count(s.graph(), "Transpose") - activationTransposes(s.graph()), "one per weight");
      assertEquals(2, activationTransposes(s.graph()), "input → NHWC and output → NCHW only");
      HostTensor y = s.infer(OpGradientTest.inputs(k)).get("out");
      assertEquals(java.util.List.of(2L, 2L, 12L, 12L), java.util.Arrays.stream(y.shape()).boxed().toList());
    }
  }

  @Test
  void nativeNchwHasNoActivationTransposes() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ConvLayout.nativeNchwRuns(),
        "this CPU's TF has no NCHW convolution kernels");
    OpGradientTest.Case k = OpGradientTest.resnetBlockChain();
    ImportOptions o = ImportOptions.frozen("m").withConvLayout(ConvLayout.NATIVE_NCHW);
    try (ImportedSession s = new ImportedSession(OpGradientTest.model(k), o, k.name())) {
      assertEquals(0, activationTransposes(s.graph()));
      assertTrue(count(s.graph(), "Conv2D") == 2);
    }
  }
}
