package org.mgm.experiments.timeseries;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.model.Lstm;
import org.mgm.model.ModuleScope;
import org.mgm.model.ParameterList;
import org.mgm.model.Sequential;
import org.mgm.model.StateDictModule;
import org.mgm.model.StateDicts;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.SplitV;
import org.tensorflow.types.TFloat32;

/**
 * The mixer generator ({@code Sys_Generator}): an encoder LSTM over the price series; per step its
 * hidden state followed by the noise [z_t, y] goes through the decoder LSTM and a per-step head
 * (Linear → BN → ReLU → Linear) to one demand value, [B, T, 1].
 *
 * <p>It has two inputs. The primary form is {@link #apply(Operand, Operand)}: prices and the same
 * noise operand the agent generator reads ({@link GeneratorNoise}), because MGM gives both
 * generators the same (z, y) and builds that operand once. {@link #apply(Operand)}, required by
 * {@link org.mgm.model.Module}, takes one operand laid out per step as [prices (3), z_t (Dz), y
 * (Dy)] and splits it; it exists for code that handles modules generically. Both share every
 * parameter.
 */
public final class MixerGenerator implements StateDictModule {
  private final ModuleScope scope;
  private final Lstm encoder;
  private final Sequential decoder;
  private final int conditions;
  private final int noiseWidth;

  MixerGenerator(ModuleScope scope, Lstm encoder, Sequential decoder, int conditions, int noiseWidth) {
    if (decoder.inputWidth() != encoder.outputWidth() + noiseWidth) {
      throw new IllegalArgumentException(scope.path() + ": the decoder reads " + decoder.inputWidth()
          + ", the encoder gives " + encoder.outputWidth() + " plus noise " + noiseWidth);
    }
    this.scope = scope;
    this.encoder = encoder;
    this.decoder = decoder;
    this.conditions = conditions;
    this.noiseWidth = noiseWidth;
  }

  /**
   * @param prices [B, T, 3], static T
   * @param noise [B, T, Dz + Dy], as {@link GeneratorNoise#perStep} builds it
   */
  public Operand<TFloat32> apply(Operand<TFloat32> prices, Operand<TFloat32> noise) {
    Operand<TFloat32> encoded = encoder.apply(prices);
    // Ops of every call go straight into the module's scope (see ModuleScope for why).
    Ops s = scope.ops();
    return decoder.apply(s.concat(List.of(encoded, noise), s.constant(2)));
  }

  /** @param joint [B, T, 3 + Dz + Dy]: prices, then z_t, then y, per step */
  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> joint) {
    if (joint.shape().numDimensions() != 3 || joint.shape().get(2) != inputWidth()) {
      throw new IllegalArgumentException(scope.path() + ": needs [B, T, " + inputWidth() + "], got " + joint.shape());
    }
    Ops s = scope.ops();
    SplitV<TFloat32> parts = s.splitV(joint, s.constant(new int[] {conditions, noiseWidth}), s.constant(2), 2L);
    return apply(parts.output().get(0), parts.output().get(1));
  }

  /** Keys {@code encoder.*}, then the decoder's ({@code decoder.*}, {@code fc1.*}, {@code bn.*}, {@code fc2.*}). */
  @Override
  public Map<String, Operand<TFloat32>> stateDict() {
    Map<String, Operand<TFloat32>> all = new LinkedHashMap<>(StateDicts.prefixed("encoder", encoder.stateDict()));
    all.putAll(decoder.stateDict());
    return all;
  }

  @Override
  public ParameterList parameters() {
    return encoder.parameters().concat(scope.path(), decoder.parameters());
  }

  @Override
  public String name() {
    return scope.path();
  }

  /** Prices plus noise, the width of the joint operand of {@link #apply(Operand)}. */
  @Override
  public long inputWidth() {
    return conditions + noiseWidth;
  }

  @Override
  public long outputWidth() {
    return decoder.outputWidth();
  }
}
