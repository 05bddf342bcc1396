package org.mgm.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.nn.LeakyRelu;
import org.tensorflow.types.TFloat32;

/**
 * A fully connected network built in Java: trainable (resource variables in its own list) or
 * frozen (weights baked in as constants, invisible to every optimizer).
 *
 * <p>Biases are added with broadcasting {@code Add}, not {@code BiasAdd}: the gradient penalty
 * differentiates the critic twice, and every op on this path (MatMul, Add, LeakyRelu and their
 * first-order gradients) has a registered C++ gradient in TF 2.18.
 */
public final class Mlp implements Module {
  private final String name;
  private final MlpSpec spec;
  private final Ops scope;
  private final List<Operand<TFloat32>> kernels = new ArrayList<>();
  private final List<Operand<TFloat32>> biases = new ArrayList<>();
  private final ParameterList trainable;
  private int applications;

  private Mlp(Ops tf, String name, MlpSpec spec, MlpWeights init, boolean trainable) {
    if (!init.spec().equals(spec)) {
      throw new IllegalArgumentException(name + ": weights are for " + init.spec() + ", not " + spec);
    }
    this.name = name;
    this.spec = spec;
    // One sub-scope per module, made once: TF Java renames every repeated withSubScope call
    // (net, net_1, …), which would scatter one network over many prefixes.
    Ops scope = tf.withSubScope(name);
    this.scope = scope;
    List<Parameter> params = new ArrayList<>();
    for (int l = 0; l < spec.layers(); l++) {
      float[][] k = init.kernels().get(l);
      float[] b = init.biases().get(l);
      if (trainable) {
        Parameter kp = ResourceVariables.create(scope, name, "dense" + l + "_kernel", StdArrays.ndCopyOf(k));
        Parameter bp = ResourceVariables.create(scope, name, "dense" + l + "_bias", StdArrays.ndCopyOf(b));
        params.add(kp);
        params.add(bp);
        kernels.add(kp.value());
        biases.add(bp.value());
      } else {
        kernels.add(scope.withName("dense" + l + "_kernel").constant(k));
        biases.add(scope.withName("dense" + l + "_bias").constant(b));
      }
    }
    this.trainable = new ParameterList(name, params);
  }

  public static Mlp trainable(Ops tf, String name, MlpSpec spec, MlpWeights init) {
    return new Mlp(tf, name, spec, init, true);
  }

  public static Mlp frozen(Ops tf, String name, MlpSpec spec, MlpWeights weights) {
    return new Mlp(tf, name, spec, weights, false);
  }

  @Override
  public Operand<TFloat32> apply(Operand<TFloat32> input) {
    Ops s = scope.withSubScope("call" + applications++);
    Operand<TFloat32> h = input;
    for (int l = 0; l < spec.layers(); l++) {
      h = s.math.add(s.linalg.matMul(h, kernels.get(l)), biases.get(l));
      if (l < spec.layers() - 1) {
        h = s.nn.leakyRelu(h, LeakyRelu.alpha(spec.leakySlope()));
      }
    }
    return h;
  }

  /** Current values, read from a session (trained weights for export or persistence). */
  public MlpWeights read(Session session) {
    Session.Runner runner = session.runner();
    for (int l = 0; l < spec.layers(); l++) {
      runner.fetch(kernels.get(l)).fetch(biases.get(l));
    }
    List<float[][]> ks = new ArrayList<>();
    List<float[]> bs = new ArrayList<>();
    try (var result = runner.run()) {
      for (int l = 0; l < spec.layers(); l++) {
        TFloat32 k = (TFloat32) result.get(2 * l);
        TFloat32 b = (TFloat32) result.get(2 * l + 1);
        float[][] karr = new float[spec.widths()[l]][spec.widths()[l + 1]];
        StdArrays.copyFrom(k, karr);
        float[] barr = new float[spec.widths()[l + 1]];
        StdArrays.copyFrom(b, barr);
        ks.add(karr);
        bs.add(barr);
      }
    }
    return new MlpWeights(spec, ks, bs);
  }

  public MlpSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ParameterList parameters() {
    return trainable;
  }

  public long inputWidth() {
    return spec.in();
  }

  public long outputWidth() {
    return spec.out();
  }
}
