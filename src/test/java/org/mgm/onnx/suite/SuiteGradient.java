package org.mgm.onnx.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * First-order gradient check of a passing suite case: TF's gradient of sum(output · v) with
 * respect to the floating graph inputs, on a float64 import, against central finite differences
 * ({@link GradientCheck}, the check `mgm gradcheck` runs, with its defaults: step 1e-6, relative
 * error ≤ 1e-4), for each floating output on the case's first data set.
 *
 * <p>Skipped, with the rule named in the result: no floating input; no floating output
 * (comparisons, ArgMax, Shape... end in bool or integer outputs); an op whose floating output is
 * piecewise constant or discontinuous in its inputs ({@link #STEP_OPS}: its derivative is zero
 * where it exists and finite differences across a step measure the jump); non-finite inputs or
 * outputs; the light model-zoo models (kind "real"), whose weights are all the constant 0.02, so
 * that their logits are huge and the softmax saturates: its gradient is round-off, which no
 * finite difference reproduces (and a check costs minutes).
 */
final class SuiteGradient {
  static final double STEP = 1e-6;
  static final double TOLERANCE = 1e-4;
  /**
   * Inputs beyond this magnitude are skipped: some pytorch-operator exports hold uninitialised
   * memory (1e223 beside 1e-310), and the loss sum(y · v) then drowns a step on any small element.
   */
  static final double HUGE = 1e15;
  static final int MAX_SAMPLES = 20;
  /** Forward runs per case the finite differences may take, in seconds: large models get fewer samples. */
  static final double BUDGET_S = 5;
  static final Set<String> STEP_OPS = Set.of("Floor", "Ceil", "Round", "Sign", "Mod", "Hardmax", "IsNaN", "IsInf",
      "BitShift", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "Bernoulli", "RandomNormal",
      "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial");

  private SuiteGradient() {}

  /** {outcome, detail}: PASS, WRONG, ERROR or SKIP. */
  static String[] check(SuiteCase c, SuiteChild.Loaded data) {
    if (c.kind().equals("real")) {
      return skip("light model: constant 0.02 weights saturate its softmax");
    }
    ModelProto model = data.model();
    String step = stepOp(model.getGraph());
    if (step != null) {
      return skip("op " + step + " is piecewise constant or discontinuous");
    }
    Map<String, HostTensor> feeds = SuiteChild.hostFeeds(data.inputs().get(0));
    // float32/float64 only: the float64 import widens those; half-precision inputs stay narrow.
    List<String> wrt = feeds.entrySet().stream().filter(e -> e.getValue().type() == ElementType.FLOAT32
        || e.getValue().type() == ElementType.FLOAT64).map(Map.Entry::getKey).toList();
    if (wrt.isEmpty()) {
      return skip("no floating input");
    }
    List<String> outputs = new ArrayList<>();
    for (ValueInfoProto o : model.getGraph().getOutputList()) {
      int t = o.getType().getTensorType().getElemType();
      if (t == SuiteTensor.FLOAT || t == SuiteTensor.DOUBLE) {
        outputs.add(o.getName());
      }
    }
    if (outputs.isEmpty()) {
      return skip("no floating output");
    }
    for (String w : wrt) {
      if (!finite(feeds.get(w))) {
        return skip("non-finite input '" + w + "'");
      }
      if (maxAbs(feeds.get(w)) > HUGE) {
        return skip("input '" + w + "' holds values beyond " + HUGE + " (uninitialised data of an export), where a"
            + " finite difference of the summed loss loses the other elements");
      }
    }
    try (ImportedSession s = new ImportedSession(model,
        ImportOptions.frozen("g").withFloatType(ElementType.FLOAT64), c.name())) {
      long t0 = System.nanoTime();
      Map<String, HostTensor> y = s.infer(feeds);
      double forwardS = (System.nanoTime() - t0) / 1e9;
      for (String o : outputs) {
        if (!finite(y.get(o))) {
          return skip("non-finite output '" + o + "'");
        }
      }
      int samples = (int) Math.max(2, Math.min(MAX_SAMPLES,
          BUDGET_S / Math.max(1e-9, 2 * forwardS * wrt.size() * outputs.size())));
      double worst = 0;
      String where = "";
      for (String o : outputs) {
        HostTensor v = GradientCheck.randomCotangent(y.get(o).shape(), 1);
        for (GradientCheck.Result r : GradientCheck.run(s, o, feeds, wrt, v, samples, STEP, 1)) {
          if (!(r.relativeError() <= worst)) {
            worst = r.relativeError();
            where = "d " + o + " / d " + r.name();
          }
        }
      }
      String detail = String.format("max relative error %.2e (%s; %d outputs, %d inputs, %d samples)", worst, where,
          outputs.size(), wrt.size(), samples);
      return new String[] {worst <= TOLERANCE ? CaseResult.PASS : CaseResult.WRONG, detail};
    } catch (Exception | LinkageError e) {
      return new String[] {CaseResult.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage()};
    }
  }

  private static String[] skip(String why) {
    return new String[] {CaseResult.SKIP, why};
  }

  private static String stepOp(GraphProto g) {
    for (NodeProto n : g.getNodeList()) {
      if (STEP_OPS.contains(n.getOpType())) {
        return n.getOpType();
      }
      for (var a : n.getAttributeList()) {
        String inner = a.hasG() ? stepOp(a.getG()) : null;
        if (inner != null) {
          return inner;
        }
      }
    }
    return null;
  }

  private static boolean finite(HostTensor t) {
    for (double d : t.toDoubles()) {
      if (!Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  private static double maxAbs(HostTensor t) {
    double m = 0;
    for (double d : t.toDoubles()) {
      m = Math.max(m, Math.abs(d));
    }
    return m;
  }
}
