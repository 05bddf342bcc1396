package org.mgm.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * {@link CotGanLoss} (float32 graph) against a float64 PyTorch port of the reference functions,
 * export-tools/cot_loss_torch_check.py: Ŵ, p_M and their gradients w.r.t. every input, relative
 * error ≤ 1e-4 (max-abs difference over max-abs value, per tensor). Also measures how far the
 * MGM PyTorch code's early-stopped Sinkhorn is from the fixed 100 iterations. Runs where
 * /usr/bin/python3 has torch (CI installs python3-torch).
 */
class CotGanLossTorchCheckTest {
  private static final String PYTHON = "/usr/bin/python3";
  private static final double TOLERANCE = 1e-4;

  /** Runs the torch script on the fixture's inputs; returns its JSON line. */
  private static String torch(CotGanFixture f, CotGanSettings s, Path dir) throws Exception {
    for (Map.Entry<String, HostTensor> e : f.inputs.entrySet()) {
      Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
    }
    Process p = new ProcessBuilder(PYTHON, "export-tools/cot_loss_torch_check.py", "--dir", dir.toString(),
        "--eps", Double.toString(s.epsilon()), "--iterations", Integer.toString(s.iterations()),
        "--lam", Double.toString(s.martingaleWeight())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "torch check timed out");
    assertEquals(0, p.exitValue(), out);
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  private static double relative(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** Compares everything and prints the figures; returns the torch script's JSON line. */
  private String check(String label, CotGanFixture f, CotGanSettings s, Path dir) throws Exception {
    CotGanFixture.Result java = f.evaluate(s);
    String json = torch(f, s, dir);
    double div = Npy.read(dir.resolve("divergence.npy")).toDoubles()[0];
    double pen = Npy.read(dir.resolve("penalty.npy")).toDoubles()[0];
    double worstGrad = 0;
    StringBuilder report = new StringBuilder();
    for (String name : CotGanFixture.names()) {
      HostTensor expected = Npy.read(dir.resolve("grad_divergence_" + name + ".npy"));
      double e = CotGanFixture.relativeError(java.divergenceGradients.get(name), expected);
      report.append(String.format(Locale.ROOT, " dW/d%s %.2e", name, e));
      worstGrad = Math.max(worstGrad, e);
      assertTrue(e <= TOLERANCE, label + ": dŴ/d" + name + " relative error " + e);
    }
    double penGrad = CotGanFixture.relativeError(java.penaltyGradient, Npy.read(dir.resolve("grad_penalty_m_x.npy")));
    double earlyDiv = number(json, "divergence_early");
    System.out.printf(Locale.ROOT, "%s: W^ java %.9g torch %.9g (rel %.2e) | p_M java %.9g torch %.9g (rel %.2e)"
            + " | worst dW^ rel %.2e | dp_M/dM rel %.2e%n  %s%n",
        label, java.divergence, div, relative(java.divergence, div), java.penalty, pen, relative(java.penalty, pen),
        worstGrad, penGrad, report.toString().strip());
    System.out.printf(Locale.ROOT, "%s: early stop vs fixed %d iterations: W^ %.12g vs %.12g, |diff| %.3e (rel %.3e);"
            + " torch %s%n", label, s.iterations(), earlyDiv, div, Math.abs(earlyDiv - div),
        relative(earlyDiv, div), json);
    assertTrue(relative(java.divergence, div) <= TOLERANCE, label + ": Ŵ " + java.divergence + " vs torch " + div);
    assertTrue(relative(java.penalty, pen) <= TOLERANCE, label + ": p_M " + java.penalty + " vs torch " + pen);
    assertTrue(penGrad <= TOLERANCE, label + ": dp_M/dM(x) relative error " + penGrad);
    return json;
  }

  /** The paper's setting: B = 32, T = 24, one channel, J = 32, ε = 100, L = 100, λ = 10. */
  @Test
  void typicalBatchMatchesTorch(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    CotGanFixture f = CotGanFixture.typical(32, 24, 1, 32, 11);
    String json = check("typical", f, CotGanSettings.DEFAULT, tmp);
    // The early stop fires within a few iterations at ε = 100 and changes Ŵ only in float64 noise.
    double fixed = number(json, "divergence_fixed");
    double early = number(json, "divergence_early");
    assertTrue(Math.abs(early - fixed) <= 1e-6 * Math.max(1, Math.abs(fixed)), "early stop moved Ŵ: " + json);
  }

  /**
   * ε = 1 on 4 channels (the CJ mixer's [prices, demand]): the plan is far from uniform, so the
   * gradient through the unrolled iterations matters, unlike at ε = 100.
   */
  @Test
  void sharpPlanOnFourChannelsMatchesTorch(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.DEBIAN_TORCH);
    CotGanSettings s = CotGanSettings.builder().epsilon(1).iterations(100).martingaleWeight(3).build();
    check("sharp", CotGanFixture.typical(8, 6, 4, 5, 12), s, tmp);
  }
}
