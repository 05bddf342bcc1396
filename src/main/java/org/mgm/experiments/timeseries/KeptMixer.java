package org.mgm.experiments.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.eval.Ace;
import org.mgm.model.StateDicts;
import org.mgm.runtime.Json;
import org.mgm.tensor.HostTensor;
import org.mgm.train.HostReadings;

/**
 * {@link MixerRun}'s readings: at each logged row the ACE of generated against real demand, and
 * the generator weights with the lowest so far, which is what the run installs. Those weights are
 * a host copy, not the graph's current values, so checkpoints carry them ({@value #STATE} and the
 * .npy files under {@value #WEIGHTS}/).
 */
final class KeptMixer implements HostReadings {
  static final String STATE = "kept-mixer.json";
  static final String WEIGHTS = "kept-mixer";

  private final MixerPretraining training;
  private final double[][][] realDemand;
  private double bestAce = Double.POSITIVE_INFINITY;
  private int bestIteration;
  private Map<String, HostTensor> best;

  KeptMixer(MixerPretraining training, double[][][] realDemand) {
    this.training = training;
    this.realDemand = realDemand;
  }

  @Override
  public List<String> columns() {
    return List.of(MixerRun.ACE_DEMAND);
  }

  @Override
  public double[] read(int iteration, Map<String, Double> metrics) {
    double ace = Ace.error(training.sampleDemand(iteration), realDemand);
    if (ace < bestAce) {
      bestAce = ace;
      bestIteration = iteration;
      best = training.generatorWeights();
    }
    return new double[] {ace};
  }

  double bestAce() {
    return bestAce;
  }

  int bestIteration() {
    return bestIteration;
  }

  /** The kept weights in PyTorch's names; null before the first reading. */
  Map<String, HostTensor> weights() {
    return best;
  }

  @Override
  public void save(Path dir) throws IOException {
    if (best == null) {
      return;
    }
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("best_ace_demand", bestAce);
    state.put("iteration", bestIteration);
    Files.writeString(dir.resolve(STATE), Json.write(state) + "\n");
    StateDicts.writeNpy(dir.resolve(WEIGHTS), best);
  }

  @Override
  public void restore(Path dir) throws IOException {
    Path file = dir.resolve(STATE);
    if (!Files.exists(file)) {
      return; // checkpointed before the first reading
    }
    Map<String, Object> state = Json.parse(Files.readString(file));
    bestAce = Json.number(file, state, "best_ace_demand");
    bestIteration = (int) Json.number(file, state, "iteration");
    best = StateDicts.readNpy(dir.resolve(WEIGHTS));
  }
}
