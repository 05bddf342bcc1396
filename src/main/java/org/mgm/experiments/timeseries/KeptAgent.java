package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.eval.Ace;
import org.mgm.runtime.Json;
import org.mgm.tensor.Npy;
import org.mgm.train.HostReadings;

/**
 * {@link AgentRun}'s readings: at each logged row the ACE of the agent's samples on its own
 * training windows, and the agent kept so far, the one with the lowest such ACE, scored against
 * all real days. The kept score and its last sample draw live in host memory, so checkpoints carry
 * them ({@value #STATE}, {@value #SAMPLES}); the agent's weights need not be kept, since the run
 * reports the kept score and samples, not the agent.
 */
final class KeptAgent implements HostReadings {
  static final String STATE = "kept-agent.json";
  static final String SAMPLES = "kept-agent-samples.npy";

  /** The evaluation of one agent: ACE against all windows over several draws, and the last draw. */
  record Scored(double mean, double std, double[][][] samples, int iteration) {}

  private final CotGanAgentTraining training;
  private final double[][][] trainingWindows;
  private final double[][][] realDays;
  private final AgentRun.Evaluation eval;
  private double bestTrain = Double.POSITIVE_INFINITY;
  private Scored kept;

  /**
   * @param trainingWindows the agent's own windows, what the choice reads
   * @param realDays every real day of the agent's column, what the kept agent is scored on
   */
  KeptAgent(CotGanAgentTraining training, double[][][] trainingWindows, double[][][] realDays,
      AgentRun.Evaluation eval) {
    this.training = training;
    this.trainingWindows = trainingWindows;
    this.realDays = realDays;
    this.eval = eval;
  }

  @Override
  public List<String> columns() {
    return List.of(AgentRun.ACE_TRAIN);
  }

  @Override
  public double[] read(int iteration, Map<String, Double> metrics) {
    double aceTrain = Ace.error(training.sample(eval.seed() + iteration), trainingWindows);
    if (aceTrain < bestTrain) {
      bestTrain = aceTrain;
      kept = score(iteration);
    }
    return new double[] {aceTrain};
  }

  /** The kept agent; null before the first reading. */
  Scored kept() {
    return kept;
  }

  private Scored score(int iteration) {
    double[] aces = new double[eval.repeats()];
    double[][][] last = null;
    for (int r = 0; r < aces.length; r++) {
      last = training.sample(eval.seed() * 1000 + r);
      aces[r] = Ace.error(last, realDays);
    }
    double mean = Arrays.stream(aces).average().orElseThrow();
    double std = Math.sqrt(Arrays.stream(aces).map(a -> (a - mean) * (a - mean)).sum() / Math.max(1, aces.length - 1));
    return new Scored(mean, std, last, iteration);
  }

  @Override
  public void save(Path dir) throws IOException {
    if (kept == null) {
      return;
    }
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("best_ace_train", bestTrain);
    state.put("ace_mean", kept.mean());
    state.put("ace_std", kept.std());
    state.put("iteration", kept.iteration());
    Files.writeString(dir.resolve(STATE), Json.write(state) + "\n");
    Npy.write(dir.resolve(SAMPLES), TimeSeriesArrays.tensor(kept.samples()));
  }

  @Override
  public void restore(Path dir) throws IOException {
    Path file = dir.resolve(STATE);
    if (!Files.exists(file)) {
      return; // checkpointed before the first reading
    }
    Map<String, Object> state = Json.parse(Files.readString(file));
    bestTrain = Json.number(file, state, "best_ace_train");
    kept = new Scored(Json.number(file, state, "ace_mean"), Json.number(file, state, "ace_std"),
        TimeSeriesArrays.fromTensor(Npy.read(dir.resolve(SAMPLES))), (int) Json.number(file, state, "iteration"));
  }
}
