package org.mgm.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mgm.model.AdamSettings;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;

/** The trainer really trains: on a tiny problem the generated points move onto the data. */
class AgentTrainingTest {
  private static final MlpSpec G = MlpSpec.of(2, 32, 2, 2, 0.2f);
  private static final MlpSpec C = MlpSpec.of(2, 32, 2, 1, 0.2f);

  private static float[][] blob(int n, float cx, float cy, long seed) {
    Random r = new Random(seed);
    float[][] x = new float[n][2];
    for (float[] p : x) {
      p[0] = cx + 0.3f * (float) r.nextGaussian();
      p[1] = cy + 0.3f * (float) r.nextGaussian();
    }
    return x;
  }

  /** Distance of the generated mean from the data mean: crude, but cannot pass by accident. */
  private static double meanGap(float[][] a, float cx, float cy) {
    double mx = Arrays.stream(a).mapToDouble(p -> p[0]).average().orElseThrow();
    double my = Arrays.stream(a).mapToDouble(p -> p[1]).average().orElseThrow();
    return Math.hypot(mx - cx, my - cy);
  }

  private static AgentSettings settings(FeedbackUpdate feedback) {
    return AgentSettings.builder().networks(G, C, C).batch(64).criticSteps(3).adam(AdamSettings.of(2e-3f, 0.5f, 0.9f))
        .gradientPenalties(1f, 1f).feedback(feedback).seed(3).build();
  }

  private static void trainsTowardsData(FeedbackUpdate feedback) {
    float[][] data = blob(256, 2f, -1f, 1);
    float[][] other = blob(1024, 0f, 0f, 2);
    // y = x1 + x2 through a frozen mixer that ignores its noise: identity-like weights.
    MlpWeights mix = additiveMixer();
    float[][] y = new float[1024][2];
    float[][] x1 = blob(1024, 2f, -1f, 3);
    for (int i = 0; i < y.length; i++) {
      y[i][0] = x1[i][0] + other[i][0];
      y[i][1] = x1[i][1] + other[i][1];
    }
    float[][] z = blob(500, 0f, 0f, 9);
    try (AgentTraining t = new AgentTraining(settings(feedback), data, Arrays.asList(null, other), y, 0,
        new MlpMixer(mix, 4))) {
      double before = meanGap(t.generate(z), 2f, -1f);
      // An untrained critic's estimate means nothing; after a few iterations it sees the gap.
      for (int i = 0; i < 15; i++) {
        t.iterate();
      }
      double early = averageAgentW(t);
      for (int i = 0; i < 300; i++) {
        t.iterate();
      }
      double after = meanGap(t.generate(z), 2f, -1f);
      double late = averageAgentW(t);
      Map<String, Double> m = t.metrics();
      assertTrue(before > 1.5, "untrained generator should be off the data, gap " + before);
      assertTrue(after < 0.5 * before, "gap " + before + " -> " + after + " (feedback " + feedback + ")");
      assertTrue(late < 0.5 * early, "agent critic's W estimate should fall: " + early + " -> " + late);
      assertEquals(feedback != null, m.containsKey(AgentTraining.MIXER_W), m.toString());
      if (feedback != null) {
        assertTrue(Double.isFinite(m.get(AgentTraining.MIXER_W)) && Double.isFinite(m.get(AgentTraining.LOSS_FEEDBACK)),
            m.toString());
      }
    }
  }

  private static double averageAgentW(AgentTraining t) {
    double sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += t.metrics().get(AgentTraining.AGENT_W);
    }
    return sum / 8;
  }

  /** A linear 2-layer "MLP" computing x1 + x2 (LeakyReLU on a ±-split keeps it exact). */
  private static MlpWeights additiveMixer() {
    MlpSpec spec = new MlpSpec(new int[] {6, 4, 2}, 0.2f);
    float[][] k0 = new float[6][4];
    // hidden = [s, -s] for s = x1 + x2 per axis; leaky(h) − leaky(−h) scaled recovers s.
    for (int axis = 0; axis < 2; axis++) {
      k0[axis][axis] = 1;
      k0[2 + axis][axis] = 1;
      k0[axis][2 + axis] = -1;
      k0[2 + axis][2 + axis] = -1;
    }
    float[][] k1 = new float[4][2];
    float s = 1f / 1.2f; // leaky(h) − leaky(−h) = 1.2 h for slope 0.2
    k1[0][0] = s;
    k1[2][0] = -s;
    k1[1][1] = s;
    k1[3][1] = -s;
    return new MlpWeights(spec, java.util.List.of(k0, k1), java.util.List.of(new float[4], new float[2]));
  }

  @Test
  void baselineLearnsTheData() {
    trainsTowardsData(null);
  }

  @Test
  void mgmCombinedLearnsTheData() {
    trainsTowardsData(FeedbackUpdate.combined(0.5));
  }

  @Test
  void mgmAlternateLearnsTheData() {
    trainsTowardsData(FeedbackUpdate.alternate(1, 1));
  }
}
