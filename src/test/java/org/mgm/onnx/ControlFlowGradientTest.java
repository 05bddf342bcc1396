package org.mgm.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mgm.onnx.export.OnnxGraphBuilder.attr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mgm.onnx.OpGradientTest.Case;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.export.OnnxGraphBuilder;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * If, Loop and Scan with bodies that read outer values, through {@link OpGradientTest}'s checks:
 * the forward equals ONNX Runtime's, the float64 gradient (through every branch, iteration and
 * step, w.r.t. x and the float initializers) equals finite differences.
 */
class ControlFlowGradientTest {
  private static final ElementType F = ElementType.FLOAT32;

  /**
   * A subgraph: inputs and outputs are float of unknown shape, or scalar int64 ("iter…") and bool
   * ("cond…"); its nodes are made by {@code body}.
   */
  static GraphProto graph(String name, List<String> inputs, List<String> outputs, Consumer<OnnxGraphBuilder> body) {
    OnnxGraphBuilder g = new OnnxGraphBuilder(name, 13);
    for (String in : inputs) {
      if (in.startsWith("iter") || in.startsWith("cond")) {
        g.input(in, in.startsWith("iter") ? ElementType.INT64 : ElementType.BOOL);
      } else {
        g.input(in, F, null, null);
      }
    }
    body.accept(g);
    for (String out : outputs) {
      if (out.startsWith("cond")) {
        g.output(out, ElementType.BOOL);
      } else {
        g.output(out, F, null, null);
      }
    }
    return g.build("ControlFlowGradientTest").getGraph();
  }

  static AttributeProto graphAttr(String name, GraphProto g) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
  }

  /** then: x·w (w outer), else: x − w; both [2, 3]. */
  private static void branches(OnnxGraphBuilder b, String cond, String out) {
    GraphProto then = graph("then", List.of(), List.of("t"), g -> g.node("Mul", List.of("x", "w"), List.of("t")));
    GraphProto otherwise = graph("else", List.of(), List.of("e"), g -> g.node("Sub", List.of("x", "w"), List.of("e")));
    b.node("If", List.of(cond), List.of(out), graphAttr("then_branch", then), graphAttr("else_branch", otherwise));
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    for (float shift : new float[] {-100f, 100f}) {
      // The condition sum(x) + shift > 0 is computed when the graph runs; each shift picks one branch.
      c.add(new Case("If-runtime-" + (shift > 0 ? "then" : "else"), 13, Map.of("x", new long[] {2, 3}), false, b -> {
        b.initializer("w", HostTensor.standardNormal(1, 2, 3));
        b.initializer("shift", HostTensor.of(new float[] {shift}));
        b.initializer("zero", HostTensor.of(new float[] {0f}));
        String sum = b.node("ReduceSum", List.of("x"), List.of(), attr("keepdims", 0L));
        String cond = b.node("Greater", List.of(b.node("Add", List.of(sum, "shift"), List.of()), "zero"), List.of());
        branches(b, cond, "out");
      }, new long[] {2, 3}));
    }
    c.add(new Case("If-constant", 11, Map.of("x", new long[] {2, 3}), false, b -> {
      b.initializer("w", HostTensor.standardNormal(1, 2, 3));
      b.initializer("c", HostTensor.of(new boolean[] {false}));
      branches(b, "c", "out");
    }, new long[] {2, 3}));
    c.add(new Case("Loop-trips3-scan", 13, Map.of("x", new long[] {2, 3}), false, b -> {
      b.initializer("w", HostTensor.standardNormal(1, 3, 3));
      b.initializer("M", HostTensor.of(new long[] {3}));
      b.initializer("flat", HostTensor.of(new long[] {-1}, 1));
      GraphProto body = graph("body", List.of("iter", "cond_in", "y_in"), List.of("cond_out", "y_out", "s"), g -> {
        g.node("Identity", List.of("cond_in"), List.of("cond_out"));
        // y ← tanh(y·w + x) · (iter + 1): reads outer w and x, and the iteration number
        String h = g.node("Add", List.of(g.node("MatMul", List.of("y_in", "w"), List.of()), "x"), List.of());
        g.initializer("one", HostTensor.of(new long[] {1}));
        String k = g.node("Cast", List.of(g.node("Add", List.of("iter", "one"), List.of())), List.of(), attr("to", 1L));
        g.node("Mul", List.of(g.node("Tanh", List.of(h), List.of()), k), List.of("y_out"));
        g.node("Sigmoid", List.of("y_out"), List.of("s"));
      });
      b.node("Loop", List.of("M", "", "x"), List.of("y", "scan"), graphAttr("body", body));
      String y = b.node("Reshape", List.of("y", "flat"), List.of());
      String s = b.node("Reshape", List.of("scan", "flat"), List.of());
      b.node("Concat", List.of(y, s), List.of("out"), attr("axis", 0L));
    }, new long[] {6 + 18}));
    c.add(new Case("Loop-runtime-condition", 13, Map.of("x", new long[] {2, 3}), false, b -> {
      b.initializer("M", HostTensor.of(new long[] {6}));
      b.initializer("go", HostTensor.of(new boolean[] {true}));
      b.initializer("limit", HostTensor.of(new float[] {20f}));
      GraphProto body = graph("body", List.of("iter", "cond_in", "y_in"), List.of("cond_out", "y_out"), g -> {
        // y ← 1.5·y + 0.1 while sum(|y|) < 20: stops after a number of iterations that depends on x
        g.initializer("a", HostTensor.of(new float[] {1.5f}));
        g.initializer("b", HostTensor.of(new float[] {0.1f}));
        g.node("Add", List.of(g.node("Mul", List.of("y_in", "a"), List.of()), "b"), List.of("y_out"));
        String size = g.node("ReduceSum", List.of(g.node("Abs", List.of("y_out"), List.of())), List.of(),
            attr("keepdims", 0L));
        g.node("Less", List.of(size, "limit"), List.of("cond_out"));
      });
      b.node("Loop", List.of("M", "go", "x"), List.of("out"), graphAttr("body", body));
    }, new long[] {2, 3}));
    c.add(new Case("Scan-reverse-axes", 11, Map.of("x", new long[] {2, 4, 3}), false, b -> {
      b.initializer("h0", HostTensor.standardNormal(1, 2, 3));
      b.initializer("w", HostTensor.standardNormal(2, 3, 3));
      b.initializer("flat", HostTensor.of(new long[] {-1}, 1));
      GraphProto body = graph("body", List.of("h_in", "x_t"), List.of("h_out", "y_t"), g -> {
        String h = g.node("Add", List.of(g.node("MatMul", List.of("h_in", "w"), List.of()), "x_t"), List.of());
        g.node("Tanh", List.of(h), List.of("h_out"));
        g.node("Mul", List.of("h_out", "x_t"), List.of("y_t"));
      });
      // x [2, 4, 3] scanned along axis 1 from the end; outputs stacked along axis -1, prepended.
      b.node("Scan", List.of("h0", "x"), List.of("h", "ys"), graphAttr("body", body), attr("num_scan_inputs", 1L),
          attr("scan_input_axes", new long[] {1}), attr("scan_input_directions", new long[] {1}),
          attr("scan_output_axes", new long[] {-1}), attr("scan_output_directions", new long[] {1}));
      String h = b.node("Reshape", List.of("h", "flat"), List.of());
      String ys = b.node("Reshape", List.of("ys", "flat"), List.of());
      b.node("Concat", List.of(h, ys), List.of("out"), attr("axis", 0L));
    }, new long[] {6 + 24}));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardEqualsOnnxRuntime(Case k, @TempDir Path dir) throws Exception {
    new OpGradientTest().forwardEqualsOnnxRuntime(k, dir);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientEqualsFiniteDifferences(Case k) {
    new OpGradientTest().gradientEqualsFiniteDifferences(k);
  }

  /** A trip count fed at run time cannot be unrolled: refused by node, naming what is needed. */
  @Test
  void runtimeTripCountIsRefusedByNode() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("loop", 13);
    b.input("M", ElementType.INT64);
    b.input("x", F, 2);
    GraphProto body = graph("body", List.of("iter", "cond_in", "y_in"), List.of("cond_out", "y_out"), g -> {
      g.node("Identity", List.of("cond_in"), List.of("cond_out"));
      g.node("Neg", List.of("y_in"), List.of("y_out"));
    });
    b.namedNode("the_loop", "Loop", List.of("M", "", "x"), List.of("out"), graphAttr("body", body));
    b.output("out", F, 2);
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> new ImportedSession(b.build("test"), ImportOptions.frozen("m"), "loop.onnx").close());
    assertTrue(e.getMessage().contains("node 'the_loop' (Loop)") && e.getMessage().contains("trip count"),
        e.getMessage());
  }

  /** An unsupported op inside a branch is named with its path before anything is emitted. */
  @Test
  void unsupportedOpInSubgraphIsNamed() {
    OnnxGraphBuilder b = new OnnxGraphBuilder("if", 13);
    b.input("c", ElementType.BOOL);
    b.input("x", F, 2);
    GraphProto then = graph("then", List.of(), List.of("t"), g -> g.namedNode("inner", "NoSuchOp", List.of("x"),
        List.of("t")));
    GraphProto otherwise = graph("else", List.of(), List.of("e"), g -> g.node("Neg", List.of("x"), List.of("e")));
    b.namedNode("branch", "If", List.of("c"), List.of("out"), graphAttr("then_branch", then),
        graphAttr("else_branch", otherwise));
    b.output("out", F, 2);
    OnnxFormatException e = assertThrows(OnnxFormatException.class,
        () -> new ImportedSession(b.build("test"), ImportOptions.frozen("m"), "if.onnx").close());
    assertTrue(e.getMessage().contains("'branch/inner'") && e.getMessage().contains("NoSuchOp"), e.getMessage());
  }
}
