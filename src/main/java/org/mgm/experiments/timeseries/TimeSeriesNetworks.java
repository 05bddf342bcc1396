package org.mgm.experiments.timeseries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.mgm.model.Activation;
import org.mgm.model.BatchNorm;
import org.mgm.model.CausalConv1d;
import org.mgm.model.Linear;
import org.mgm.model.Lstm;
import org.mgm.model.ModuleScope;
import org.mgm.model.Sequential;
import org.mgm.model.StateDictModule;
import org.mgm.model.StateDicts;
import org.mgm.tensor.HostTensor;
import org.tensorflow.op.Ops;

/**
 * The networks of the COT-GAN time-series experiment (reference {@code util/gan_util.py}), each
 * as a module in the run's graph, trainable or frozen, from a state dict in PyTorch's names and
 * layouts. The {@code *Init} methods draw PyTorch's default initialisation from a seed.
 *
 * <ul>
 *   <li>agent generator: [z_t, y] → LSTM(Dz+Dy → state) → Linear(state → state) → BN → ReLU →
 *       Linear(state → 1); input [B, T, Dz+Dy] from {@link GeneratorNoise}, output [B, T, 1].
 *       Keys {@code lstm.*, fc1.*, bn.*, fc2.*}.
 *   <li>critic (h and M alike): CausalConv1d(D_in → filters, k) → BN → ReLU →
 *       CausalConv1d(filters → filters, k) → tanh; [B, T, D_in] → [B, T, filters]. Keys
 *       {@code conv1.*, bn.*, conv2.*}.
 *   <li>mixer generator: see {@link MixerGenerator}. Keys {@code encoder.*, decoder.*, fc1.*, bn.*,
 *       fc2.*}.
 * </ul>
 */
public final class TimeSeriesNetworks {
  private TimeSeriesNetworks() {}

  public static Map<String, HostTensor> agentGeneratorInit(TimeSeriesWidths w, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, HostTensor> d = new LinkedHashMap<>(
        StateDicts.prefixed("lstm", Lstm.pytorchInit(w.noiseInput(), w.state(), rnd)));
    d.putAll(headInit(w, rnd));
    return d;
  }

  public static Sequential agentGenerator(Ops tf, String name, TimeSeriesWidths w, Map<String, HostTensor> weights,
      boolean trainable) {
    ModuleScope s = ModuleScope.root(tf, name);
    List<Sequential.Part> parts = new ArrayList<>();
    parts.add(new Sequential.Part("lstm", Lstm.create(s.child("lstm"), w.noiseInput(), w.state(),
        StateDicts.sub("lstm", weights), trainable)));
    parts.addAll(head(s, w, weights, trainable));
    return checked(new Sequential(s.path(), parts), weights);
  }

  /** @param inputChannels D_in: 1 for the agent's and the CM mixer's critics, 4 for CJ */
  public static Map<String, HostTensor> criticInit(TimeSeriesWidths w, int inputChannels, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, HostTensor> d = new LinkedHashMap<>(
        StateDicts.prefixed("conv1", CausalConv1d.pytorchInit(inputChannels, w.filters(), w.kernel(), rnd)));
    d.putAll(StateDicts.prefixed("bn", BatchNorm.pytorchInit(w.filters())));
    d.putAll(StateDicts.prefixed("conv2", CausalConv1d.pytorchInit(w.filters(), w.filters(), w.kernel(), rnd)));
    return d;
  }

  public static Sequential critic(Ops tf, String name, TimeSeriesWidths w, int inputChannels,
      Map<String, HostTensor> weights, boolean trainable) {
    ModuleScope s = ModuleScope.root(tf, name);
    List<Sequential.Part> parts = List.of(
        new Sequential.Part("conv1", CausalConv1d.create(s.child("conv1"), inputChannels, w.filters(), w.kernel(),
            StateDicts.sub("conv1", weights), trainable)),
        new Sequential.Part("bn", BatchNorm.create(s.child("bn"), w.filters(), StateDicts.sub("bn", weights),
            trainable)),
        new Sequential.Part("relu", Activation.create(s.child("relu"), Activation.Kind.RELU, w.filters())),
        new Sequential.Part("conv2", CausalConv1d.create(s.child("conv2"), w.filters(), w.filters(), w.kernel(),
            StateDicts.sub("conv2", weights), trainable)),
        new Sequential.Part("tanh", Activation.create(s.child("tanh"), Activation.Kind.TANH, w.filters())));
    return checked(new Sequential(s.path(), parts), weights);
  }

  public static Map<String, HostTensor> mixerGeneratorInit(TimeSeriesWidths w, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, HostTensor> d = new LinkedHashMap<>(
        StateDicts.prefixed("encoder", Lstm.pytorchInit(w.conditions(), w.state(), rnd)));
    d.putAll(StateDicts.prefixed("decoder", Lstm.pytorchInit(w.state() + w.noiseInput(), w.state(), rnd)));
    d.putAll(headInit(w, rnd));
    return d;
  }

  /**
   * @param trainable false for MGM, where the pre-trained mixer is fixed; its BN still normalises
   *     with the statistics of the batch, as the reference code leaves it in train mode
   */
  public static MixerGenerator mixerGenerator(Ops tf, String name, TimeSeriesWidths w, Map<String, HostTensor> weights,
      boolean trainable) {
    ModuleScope s = ModuleScope.root(tf, name);
    Lstm encoder = Lstm.create(s.child("encoder"), w.conditions(), w.state(), StateDicts.sub("encoder", weights),
        trainable);
    List<Sequential.Part> parts = new ArrayList<>();
    parts.add(new Sequential.Part("decoder", Lstm.create(s.child("decoder"), w.state() + w.noiseInput(), w.state(),
        StateDicts.sub("decoder", weights), trainable)));
    parts.addAll(head(s, w, weights, trainable));
    // The decoder path gets its own name so that its trainable list is not confused with the mixer's.
    Sequential decoder = new Sequential(s.path() + "/decoder_path", parts);
    return checked(new MixerGenerator(s, encoder, decoder, w.conditions(), w.noiseInput()), weights);
  }

  /** The generators' per-step head: Linear(state → state) → BN → ReLU → Linear(state → 1). */
  private static List<Sequential.Part> head(ModuleScope s, TimeSeriesWidths w, Map<String, HostTensor> weights,
      boolean trainable) {
    return List.of(
        new Sequential.Part("fc1", Linear.create(s.child("fc1"), w.state(), w.state(), StateDicts.sub("fc1", weights),
            trainable)),
        new Sequential.Part("bn", BatchNorm.create(s.child("bn"), w.state(), StateDicts.sub("bn", weights), trainable)),
        new Sequential.Part("relu", Activation.create(s.child("relu"), Activation.Kind.RELU, w.state())),
        new Sequential.Part("fc2", Linear.create(s.child("fc2"), w.state(), 1, StateDicts.sub("fc2", weights),
            trainable)));
  }

  private static Map<String, HostTensor> headInit(TimeSeriesWidths w, SplittableRandom rnd) {
    Map<String, HostTensor> d = new LinkedHashMap<>(StateDicts.prefixed("fc1", Linear.pytorchInit(w.state(), w.state(), rnd)));
    d.putAll(StateDicts.prefixed("bn", BatchNorm.pytorchInit(w.state())));
    d.putAll(StateDicts.prefixed("fc2", Linear.pytorchInit(w.state(), 1, rnd)));
    return d;
  }

  /** Each part checks its own keys; this catches keys under no part at all (a misspelt prefix). */
  private static <M extends StateDictModule> M checked(M module, Map<String, HostTensor> weights) {
    if (!module.stateDict().keySet().equals(weights.keySet())) {
      TreeSet<String> extra = new TreeSet<>(weights.keySet());
      extra.removeAll(module.stateDict().keySet());
      throw new IllegalArgumentException(module.name() + ": unexpected weights " + extra + " (expects "
          + module.stateDict().keySet() + ")");
    }
    return module;
  }
}
