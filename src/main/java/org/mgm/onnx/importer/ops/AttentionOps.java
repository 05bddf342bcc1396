package org.mgm.onnx.importer.ops;

import java.util.ArrayList;
import java.util.List;
import org.mgm.onnx.importer.NodeContext;
import org.mgm.onnx.importer.OpRegistry;
import org.mgm.onnx.importer.TfEmitter;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Attention (23–25) and RotaryEmbedding (23). Attention: scaled dot-product attention over 4-D [batch, heads, seq, head_size] or 3-D
 * [batch, seq, hidden] inputs, with a key/value cache, boolean or additive masks, causal masking,
 * grouped-query heads, softcap and every qk_matmul_output mode, from BatchMatMulV2, Softmax and
 * pointwise ops (all differentiable), and nonpad_kv_seqlen (24) and sliding windows (25).
 * Sequence lengths must be static where a mask is built from them (causal, window, a short
 * attn_mask).
 */
public final class AttentionOps {
  private AttentionOps() {}

  public static void register(OpRegistry r) {
    r.register("Attention", 23, AttentionOps::attention);
    r.register("RotaryEmbedding", 23, AttentionOps::rotaryEmbedding);
  }

  /**
   * RotaryEmbedding (23): pairs of features rotated by the cached angles of their positions,
   * either halves (x1 = first half) or interleaved pairs (x1 = even features), on the first
   * rotary_embedding_dim features of each head. Static sequence length, heads and head size.
   */
  private static Output<?>[] rotaryEmbedding(NodeContext n) {
    TfEmitter tf = n.tf();
    Output<?> x = n.input(0);
    int rank = n.rank(x);
    Shape s = x.shape();
    long seq;
    long heads;
    long size;
    if (rank == 4) {
      heads = s.get(1);
      seq = s.get(2);
      size = s.get(3);
      x = tf.transpose(x, 0, 2, 1, 3);
    } else if (rank == 3) {
      heads = n.attrInt("num_heads", 0);
      seq = s.get(1);
      if (heads <= 0 || s.get(2) < 0 || s.get(2) % heads != 0) {
        throw n.fail("3-D input " + s + " needs num_heads dividing its hidden size");
      }
      size = s.get(2) / heads;
    } else {
      throw n.fail("input must be 3-D or 4-D, got " + s);
    }
    if (seq < 0 || heads < 0 || size < 0) {
      throw n.fail("needs a static sequence length, heads and head size, got " + s);
    }
    x = tf.reshape(x, tf.int64s(-1, seq, heads, size));  // [B, S, H, D]
    long rot = n.attrInt("rotary_embedding_dim", 0);
    rot = rot == 0 ? size : rot;
    if (rot % 2 != 0 || rot > size) {
      throw n.fail("rotary_embedding_dim " + rot + " must be even and at most the head size " + size);
    }
    Output<?> rotated = x;
    Output<?> kept = null;
    if (rot < size) {
      org.tensorflow.Operation parts = tf.build("SplitV", b -> b.setAttr("num_split", 2L), x,
          tf.int64s(rot, size - rot), tf.int32(-1));
      rotated = parts.output(0);
      kept = parts.output(1);
    }
    Output<?> cos = n.input(1);
    Output<?> sin = n.input(2);
    if (n.hasInput(3)) {
      cos = tf.op("GatherV2", cos, n.input(3), tf.int32(0));
      sin = tf.op("GatherV2", sin, n.input(3), tf.int32(0));
    }
    cos = tf.op("ExpandDims", tf.cast(cos, x.dataType()), tf.int32(2));  // [B, S, 1, rot/2]
    sin = tf.op("ExpandDims", tf.cast(sin, x.dataType()), tf.int32(2));
    boolean interleaved = n.attrInt("interleaved", 0) != 0;
    Output<?> x1;
    Output<?> x2;
    if (interleaved) {
      org.tensorflow.Operation pairs = tf.build("Unpack", b -> b.setAttr("num", 2L).setAttr("axis", -1L),
          tf.reshape(rotated, tf.int64s(-1, seq, heads, rot / 2, 2)));
      x1 = pairs.output(0);
      x2 = pairs.output(1);
    } else {
      org.tensorflow.Operation halves = tf.build("Split", b -> b.setAttr("num_split", 2L), tf.int32(-1), rotated);
      x1 = halves.output(0);
      x2 = halves.output(1);
    }
    Output<?> real = tf.op("Sub", tf.op("Mul", cos, x1), tf.op("Mul", sin, x2));
    Output<?> imag = tf.op("AddV2", tf.op("Mul", sin, x1), tf.op("Mul", cos, x2));
    Output<?> y = interleaved
        ? tf.reshape(tf.build("Pack", b -> b.addInputList(new Output<?>[] {real, imag}).setAttr("axis", -1L)).output(0),
            tf.int64s(-1, seq, heads, rot))
        : concat(tf, List.of(real, imag), -1);
    if (kept != null) {
      y = concat(tf, List.of(y, kept), -1);
    }
    y = rank == 4 ? tf.transpose(y, 0, 2, 1, 3) : tf.reshape(y, tf.int64s(-1, seq, heads * size));
    return new Output<?>[] {y};
  }

  private static Output<?>[] attention(NodeContext n) {
    TfEmitter tf = n.tf();
    if (n.hasInput(4) != n.hasInput(5)) {
      throw n.fail("past_key and past_value must be given together");
    }
    Output<?> q = n.input(0);
    Output<?> k = n.input(1);
    Output<?> v = n.input(2);
    int rank = n.rank(q);
    if (rank != n.rank(k) || rank != n.rank(v) || rank != 3 && rank != 4) {
      throw n.fail("Q, K and V must all be 3-D or all 4-D, got " + q.shape() + ", " + k.shape() + ", " + v.shape());
    }
    long qHeads;
    long kvHeads;
    if (rank == 3) {
      qHeads = n.attrInt("q_num_heads", 0);
      kvHeads = n.attrInt("kv_num_heads", 0);
      if (qHeads <= 0 || kvHeads <= 0) {
        throw n.fail("3-D inputs need q_num_heads and kv_num_heads");
      }
      q = splitHeads(n, q, qHeads);
      k = splitHeads(n, k, kvHeads);
      v = splitHeads(n, v, kvHeads);
    } else {
      qHeads = q.shape().get(1);
      kvHeads = k.shape().get(1);
    }
    if (n.hasInput(4)) {
      k = concat(tf, List.of(n.input(4), k), 2);
      v = concat(tf, List.of(n.input(5), v), 2);
    }
    Output<?> presentKey = k;
    Output<?> presentValue = v;
    long headSize = q.shape().get(3);
    if (!n.hasAttr("scale") && headSize < 0) {
      throw n.fail("needs a static head size for the default scale, Q is " + q.shape());
    }
    double scale = n.hasAttr("scale") ? n.attrFloat("scale", 1f) : 1 / Math.sqrt(headSize);
    if (qHeads != kvHeads) {
      if (qHeads < 0 || kvHeads <= 0 || qHeads % kvHeads != 0) {
        throw n.fail(qHeads + " query heads cannot share " + kvHeads + " key/value heads");
      }
      k = repeatHeads(n, k, qHeads / kvHeads);
      v = repeatHeads(n, v, qHeads / kvHeads);
    }
    // Q and K each scaled by √scale, as the reference does, so that large products keep their precision.
    Output<?> root = tf.scalarLike(q, Math.sqrt(scale));
    Output<?> qk = tf.build("BatchMatMulV2", b -> b.setAttr("adj_y", true), tf.op("Mul", q, root),
        tf.op("Mul", k, root)).output(0);
    Output<?> raw = qk;
    float softcap = n.attrFloat("softcap", 0f);
    if (softcap > 0) {
      Output<?> cap = tf.scalarLike(qk, softcap);
      qk = tf.op("Mul", tf.op("Tanh", tf.op("RealDiv", qk, cap)), cap);
    }
    Output<?> capped = qk;
    Output<?> bias = bias(n, q, k, presentKey);
    Output<?> logits = bias == null ? qk : tf.op("AddV2", qk, bias);
    DataType type = qk.dataType();
    DataType precision = softmaxPrecision(n, type);
    Output<?> masked = null;
    Output<?> probs;
    if (bias == null) {
      probs = tf.cast(tf.op("Softmax", tf.cast(logits, precision)), type);
    } else {
      // A row whose every key is masked attends to nothing: zero probabilities, not 0/0 = NaN.
      Output<?> top = tf.build("Max", b -> b.setAttr("keep_dims", true), bias, tf.int32(-1)).output(0);
      masked = tf.op("Equal", top, tf.scalarLike(top, Double.NEGATIVE_INFINITY));
      Output<?> safe = tf.op("SelectV2", masked, tf.scalarLike(logits, 0), logits);
      probs = tf.cast(tf.op("Softmax", tf.cast(safe, precision)), type);
      probs = tf.op("SelectV2", masked, tf.scalarLike(probs, 0), probs);
    }
    Output<?> y = tf.op("BatchMatMulV2", probs, v);
    if (rank == 3) {
      y = mergeHeads(n, y);
    }
    long mode = n.attrInt("qk_matmul_output_mode", 0);
    Output<?> qkOut = switch ((int) mode) {
      case 0 -> raw;
      case 1 -> capped;
      case 2 -> logits;
      case 3 -> probs;
      default -> throw n.fail("qk_matmul_output_mode " + mode + " is not 0, 1, 2 or 3");
    };
    return new Output<?>[] {y, tf.op("Identity", presentKey), tf.op("Identity", presentValue),
        tf.op("Identity", qkOut)};
  }

  private static DataType softmaxPrecision(NodeContext n, DataType type) {
    if (!n.hasAttr("softmax_precision")) {
      return type;
    }
    long p = n.attrInt("softmax_precision", 0);
    ElementType t = ElementType.fromOnnx((int) p);
    if (t == null || !t.isFloating()) {
      throw n.fail("softmax_precision " + ElementType.onnxName((int) p) + " is not supported");
    }
    // The import computes in one float type (ImportOptions.floatType); a wider one is honoured.
    return t == ElementType.FLOAT64 ? DataType.DT_DOUBLE : type;
  }

  /**
   * The additive bias [.., q, kv], null when nothing masks: attn_mask (bool as 0/−inf, padded
   * with −inf to the key length), then the causal mask and sliding window (25), aligned
   * bottom-right: query i is at position i + offset among the keys, the offset being the past
   * length, or with nonpad_kv_seqlen (24) each batch entry's valid length minus the query length,
   * whose padded keys are masked too.
   */
  private static Output<?> bias(NodeContext n, Output<?> q, Output<?> k, Output<?> presentKey) {
    TfEmitter tf = n.tf();
    boolean causal = n.attrInt("is_causal", 0) != 0;
    long left = n.attrInt("left_window_size", -1);
    long right = n.attrInt("right_window_size", -1);
    boolean positional = causal || left >= 0 || right >= 0;
    Output<?> mask = n.hasInput(3) ? n.input(3) : null;
    Output<?> nonpad = n.hasInput(6) ? tf.cast(n.input(6), DataType.DT_INT64) : null;
    if (mask == null && !positional && nonpad == null) {
      return null;
    }
    if (nonpad != null && n.hasInput(4)) {
      throw n.fail("nonpad_kv_seqlen cannot be combined with past_key");
    }
    long qLen = q.shape().get(2);
    long kvLen = presentKey.shape().get(2);
    Output<?> zero = tf.scalarLike(q, 0);
    Output<?> minusInf = tf.scalarLike(q, Double.NEGATIVE_INFINITY);
    Output<?> bias = null;
    if (mask != null) {
      if (mask.dataType() == DataType.DT_BOOL) {
        mask = tf.op("SelectV2", mask, zero, minusInf);
      }
      mask = tf.cast(mask, q.dataType());
      int r = n.rank(mask);
      long last = mask.shape().get(r - 1);
      if (last != kvLen) {
        if (last < 0 || kvLen < 0 || last > kvLen) {
          throw n.fail("attn_mask " + mask.shape() + " must be padded to the key length, which needs both static");
        }
        // int32 paddings: TF's PadV2 gradient slices with int32 sizes, and int64 paddings break it.
        int[] pads = new int[2 * r];
        pads[2 * r - 1] = (int) (kvLen - last);
        mask = tf.op("PadV2", mask, tf.constant(HostTensor.of(pads, r, 2)), tf.scalarLike(mask, Double.NEGATIVE_INFINITY));
      }
      bias = mask;
    }
    if (positional || nonpad != null) {
      if (qLen < 0 || kvLen < 0) {
        throw n.fail("masks by position need static query and key lengths, got " + q.shape() + " and "
            + presentKey.shape());
      }
      Output<?> batchShape = tf.int64s(-1, 1, 1, 1);
      if (positional) {
        Output<?> offset = n.hasInput(4) ? tf.int64(n.input(4).shape().get(2))
            : nonpad != null ? tf.reshape(tf.op("Sub", nonpad, tf.int64(qLen)), batchShape) : tf.int64(0);
        if (n.hasInput(4) && n.input(4).shape().get(2) < 0) {
          throw n.fail("masks by position with a cache need the static length of past_key, got " + n.input(4).shape());
        }
        long[] grid = new long[(int) (qLen * kvLen)];
        for (int i = 0; i < qLen; i++) {
          for (int j = 0; j < kvLen; j++) {
            grid[(int) (i * kvLen + j)] = i - j;
          }
        }
        // Query position minus key position.
        Output<?> distance = tf.op("AddV2", tf.constant(HostTensor.of(grid, qLen, kvLen)), offset);
        Output<?> allowed = causal ? tf.op("GreaterEqual", distance, tf.int64(0)) : null;
        if (left >= 0) {
          allowed = and(tf, allowed, tf.op("LessEqual", distance, tf.int64(left)));
        }
        if (right >= 0) {
          allowed = and(tf, allowed, tf.op("GreaterEqual", distance, tf.int64(-right)));
        }
        bias = add(tf, bias, tf.op("SelectV2", allowed, zero, minusInf));
      }
      if (nonpad != null) {
        long[] keys = new long[(int) kvLen];
        for (int j = 0; j < kvLen; j++) {
          keys[j] = j;
        }
        Output<?> valid = tf.op("Less", tf.int64s(keys), tf.reshape(nonpad, batchShape));
        bias = add(tf, bias, tf.op("SelectV2", valid, zero, minusInf));
      }
    }
    return bias;
  }

  private static Output<?> and(TfEmitter tf, Output<?> a, Output<?> b) {
    return a == null ? b : tf.op("LogicalAnd", a, b);
  }

  private static Output<?> add(TfEmitter tf, Output<?> a, Output<?> b) {
    return a == null ? b : tf.op("AddV2", a, b);
  }

  /** [B, S, heads·size] → [B, heads, S, size]. */
  private static Output<?> splitHeads(NodeContext n, Output<?> x, long heads) {
    TfEmitter tf = n.tf();
    Shape s = x.shape();
    if (s.get(1) < 0 || s.get(2) < 0 || s.get(2) % heads != 0) {
      throw n.fail("3-D input " + s + " needs a static length and a hidden size divisible by " + heads + " heads");
    }
    Output<?> r = tf.reshape(x, tf.int64s(-1, s.get(1), heads, s.get(2) / heads));
    return tf.transpose(r, 0, 2, 1, 3);
  }

  /** [B, heads, S, size] → [B, S, heads·size]. */
  private static Output<?> mergeHeads(NodeContext n, Output<?> y) {
    TfEmitter tf = n.tf();
    Shape s = y.shape();
    if (s.get(1) < 0 || s.get(2) < 0 || s.get(3) < 0) {
      throw n.fail("the 3-D output needs static heads, length and head size, got " + s);
    }
    return tf.reshape(tf.transpose(y, 0, 2, 1, 3), tf.int64s(-1, s.get(2), s.get(1) * s.get(3)));
  }

  /** Each key/value head repeated {@code reps} times in place: [h0, h0, h1, h1, ...]. */
  private static Output<?> repeatHeads(NodeContext n, Output<?> x, long reps) {
    TfEmitter tf = n.tf();
    Shape s = x.shape();
    if (s.get(1) < 0 || s.get(2) < 0 || s.get(3) < 0) {
      throw n.fail("grouped-query attention needs static heads, length and head size, got " + s);
    }
    Output<?> e = tf.op("ExpandDims", x, tf.int32(2));
    Output<?> t = tf.op("Tile", e, tf.int64s(1, 1, reps, 1, 1));
    return tf.reshape(t, tf.int64s(-1, s.get(1) * reps, s.get(2), s.get(3)));
  }

  private static Output<?> concat(TfEmitter tf, List<Output<?>> xs, int axis) {
    return tf.build("ConcatV2", b -> b.addInputList(new ArrayList<>(xs).toArray(new Output<?>[0]))
        .addInput(tf.int32(axis))).output(0);
  }
}
