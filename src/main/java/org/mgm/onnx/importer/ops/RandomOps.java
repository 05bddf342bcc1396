package org.mgm.onnx.importer.ops;

import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * Dropout (inference and training mode, with its mask), RandomUniform, RandomNormal, their *Like
 * forms and Bernoulli. Draws come from TF's stateful RandomUniform / RandomStandardNormal seeded
 * by the node's seed, so that each run draws anew (a stateless op with a fixed seed would drop
 * the same units on every training step) and a seed repeats the same sequence of draws in every
 * session. Without a seed the draws are not repeatable, as ONNX leaves them.
 */
public final class RandomOps {
  /** TF's second seed when the model gives one: any nonzero value makes the draws repeatable. */
  private static final long SEED2 = 1;

  private RandomOps() {}

  public static void register(OpRegistry r) {
    // 1 and 6: training mode unless is_test (ONNX's default is training); ratio an attribute; float mask.
    r.register("Dropout", 1, 6, n -> dropout(n, n.attrInt("is_test", 0) == 0, null,
        n.tf().scalarLike(n.input(0), n.attrFloat("ratio", 0.5f)), true));
    // 7 and 10: inference only (a copy); the mask is float in 7, bool from 10.
    r.register("Dropout", 7, 11, n -> dropout(n, false, null, null, n.sinceVersion() < 10));
    r.register("Dropout", 12, RandomOps::dropoutWithInputs);
    r.register("RandomUniform", 1, n -> one(uniform(n, n.tf().int64s(shapeAttr(n)), floatType(n, null))));
    r.register("RandomNormal", 1, n -> one(normal(n, n.tf().int64s(shapeAttr(n)), floatType(n, null))));
    r.register("RandomUniformLike", 1, n -> one(uniform(n, n.tf().shape64(n.input(0)), floatType(n, n.input(0)))));
    r.register("RandomNormalLike", 1, n -> one(normal(n, n.tf().shape64(n.input(0)), floatType(n, n.input(0)))));
    r.register("Bernoulli", 15, RandomOps::bernoulli);
  }

  private static Output<?>[] one(Output<?> y) {
    return new Output<?>[] {y};
  }

  private static long[] shapeAttr(NodeContext n) {
    long[] shape = n.attrInts("shape");
    if (shape == null) {
      throw n.fail("attribute 'shape' is missing");
    }
    return shape;
  }

  /** The type a floating dtype attribute is computed in (FLOAT by default, the like input's type for *Like). */
  private static DataType floatType(NodeContext n, Output<?> like) {
    if (!n.hasAttr("dtype") && like != null) {
      return like.dataType();
    }
    ElementType t = ElementType.fromOnnx((int) n.attrInt("dtype", 1));
    if (t == null || !t.isFloating()) {
      throw n.fail("dtype " + ElementType.onnxName((int) n.attrInt("dtype", 1)) + " is not supported (floating only)");
    }
    return n.tf().computedAs(t).tfType();
  }

  /** One draw of TF's stateful generator {@code op} with the node's (float) seed. */
  private static Output<?> draw(NodeContext n, String op, Output<?> shape, DataType type) {
    long seed = (long) n.attrFloat("seed", 0f);
    boolean seeded = n.hasAttr("seed");
    return n.tf().build(op, b -> b.setAttr("dtype", type).setAttr("seed", seed).setAttr("seed2", seeded ? SEED2 : 0L),
        shape).output(0);
  }

  /** low + (high − low) · U[0, 1). */
  private static Output<?> uniform(NodeContext n, Output<?> shape, DataType type) {
    TfEmitter tf = n.tf();
    Output<?> u = draw(n, "RandomUniform", shape, type);
    float low = n.attrFloat("low", 0f);
    float high = n.attrFloat("high", 1f);
    return tf.op("AddV2", tf.op("Mul", u, tf.scalarLike(u, high - low)), tf.scalarLike(u, low));
  }

  /** mean + scale · N(0, 1). */
  private static Output<?> normal(NodeContext n, Output<?> shape, DataType type) {
    TfEmitter tf = n.tf();
    Output<?> z = draw(n, "RandomStandardNormal", shape, type);
    return tf.op("AddV2", tf.op("Mul", z, tf.scalarLike(z, n.attrFloat("scale", 1f))),
        tf.scalarLike(z, n.attrFloat("mean", 0f)));
  }

  /** 1 where U[0, 1) < p, else 0, in dtype (the input's type without one). */
  private static Output<?>[] bernoulli(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> p = n.input(0);
    Output<?> hit = tf.op("Less", draw(n, "RandomUniform", tf.shape64(p), p.dataType()), p);
    DataType type = p.dataType();
    if (n.hasAttr("dtype")) {
      ElementType t = ElementType.fromOnnx((int) n.attrInt("dtype", 1));
      if (t == null) {
        throw n.fail("dtype " + ElementType.onnxName((int) n.attrInt("dtype", 1)) + " is not supported");
      }
      type = tf.computedAs(t).tfType();
    }
    return one(type == DataType.DT_BOOL ? hit : tf.cast(hit, type));
  }

  /** 12+: ratio and training_mode are inputs, either known at import or computed at run time. */
  private static Output<?>[] dropoutWithInputs(NodeContext n) {
    Output<?> x = n.input(0);
    HostTensor ratio = n.constantInputOrNull(1);
    Output<?> ratioValue = n.hasInput(1) ? n.tf().cast(n.input(1), x.dataType()) : n.tf().scalarLike(x, 0.5);
    HostTensor training = n.hasInput(2) ? n.constantInputOrNull(2) : HostTensor.of(new boolean[] {false});
    if (ratio != null && ratio.toDoubles()[0] == 0) {
      return dropout(n, false, null, null, false);  // nothing dropped: the copy, as ONNX Runtime gives it
    }
    if (training != null) {
      return dropout(n, training.toDoubles()[0] != 0, null, ratioValue, false);
    }
    return dropout(n, true, n.tf().reshape(n.input(2), n.tf().int64s()), ratioValue, false);
  }

  /**
   * {output, mask}. In training mode, x / (1 − ratio) where a uniform draw is at least ratio, else
   * 0, through SelectV2 (its gradient skips the boolean mask); {@code when} is a run-time
   * training_mode, or null when training is decided at import.
   */
  private static Output<?>[] dropout(NodeContext n, boolean training, Output<?> when, Output<?> ratio,
      boolean floatMask) {
    TfEmitter tf = n.tf();
    boolean wantsMask = n.outputCount() > 1;
    if (!training) {
      Output<?>[] out = wantsMask ? new Output<?>[] {tf.op("Identity", n.input(0)), null}
          : ChannelsLast.unary(n, x -> tf.op("Identity", x));
      if (wantsMask) {
        Output<?> x = n.input(0);
        out[1] = floatMask ? tf.op("Fill", tf.shape64(x), tf.scalarLike(x, 1))
            : tf.op("Fill", tf.shape64(x), tf.constant(HostTensor.of(new boolean[] {true})));
      }
      return out;
    }
    Output<?> x = n.input(0);
    long seed = n.attrInt("seed", 0);
    boolean seeded = n.hasAttr("seed");
    Output<?> u = tf.build("RandomUniform", b -> b.setAttr("dtype", x.dataType()).setAttr("seed", seed)
        .setAttr("seed2", seeded ? SEED2 : 0L), tf.shape64(x)).output(0);
    Output<?> keep = tf.op("GreaterEqual", u, ratio);
    Output<?> scale = tf.op("RealDiv", tf.scalarLike(x, 1), tf.op("Sub", tf.scalarLike(x, 1), ratio));
    Output<?> y = tf.op("SelectV2", keep, tf.op("Mul", x, scale), tf.scalarLike(x, 0));
    if (when != null) {
      y = tf.op("SelectV2", when, y, x);
      keep = tf.op("LogicalOr", keep, tf.op("LogicalNot", when));
    }
    return new Output<?>[] {y, floatMask ? tf.cast(keep, x.dataType()) : keep};
  }
}
