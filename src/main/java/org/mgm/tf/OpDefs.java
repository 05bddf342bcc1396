package org.mgm.tf;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_Buffer;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;

/**
 * The registered OpDefs of the TF runtime, to know how a NodeDef's flat input list splits into
 * the op's arguments (a list argument such as {@code ConcatV2}'s values must be added to a builder
 * as one list, not as single inputs), and where a named output argument starts in the node's flat
 * output list (function bodies address tensors as {@code node:arg:index}).
 */
public final class OpDefs {
  private static volatile Map<String, OpDef> defs;

  private OpDefs() {}

  public static OpDef of(String op) {
    Map<String, OpDef> m = defs;
    if (m == null) {
      synchronized (OpDefs.class) {
        if (defs == null) {
          defs = load();
        }
        m = defs;
      }
    }
    return m.get(op);
  }

  /** Number of NodeDef inputs that each OpDef input argument takes, in order; -1 for a single tensor. */
  public static int[] argumentSizes(OpDef def, NodeDef node) {
    int[] sizes = new int[def.getInputArgCount()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = size(def.getInputArg(i), node);
    }
    return sizes;
  }

  /**
   * Flat output index of {@code arg}'s element {@code index} for a node of this op: the sizes of
   * the output arguments before it, plus the index.
   */
  public static int outputIndex(OpDef def, NodeDef node, String arg, int index) {
    int start = 0;
    for (OpDef.ArgDef a : def.getOutputArgList()) {
      if (a.getName().equals(arg)) {
        return start + index;
      }
      start += Math.max(size(a, node), 1);
    }
    throw new IllegalArgumentException("op " + def.getName() + " has no output argument '" + arg + "'");
  }

  private static int size(OpDef.ArgDef arg, NodeDef node) {
    if (!arg.getNumberAttr().isEmpty()) {
      long n = attr(node, arg.getNumberAttr()).getI();
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") has "
            + arg.getNumberAttr() + " = " + n + ", not a count of tensors");
      }
      return (int) n;
    }
    if (!arg.getTypeListAttr().isEmpty()) {
      return attr(node, arg.getTypeListAttr()).getList().getTypeCount();
    }
    return -1;
  }

  private static AttrValue attr(NodeDef node, String name) {
    AttrValue v = node.getAttrMap().get(name);
    if (v == null) {
      throw new IllegalArgumentException("node '" + node.getName() + "' (" + node.getOp() + ") lacks attribute " + name);
    }
    return v;
  }

  private static Map<String, OpDef> load() {
    TensorFlow.version(); // loads the native library
    TF_Buffer buf = tensorflow.TF_GetAllOpList();
    try {
      byte[] bytes = new byte[(int) buf.length()];
      new BytePointer(buf.data()).capacity(bytes.length).get(bytes);
      Map<String, OpDef> m = new HashMap<>();
      for (OpDef d : OpList.parseFrom(bytes).getOpList()) {
        m.put(d.getName(), d);
      }
      return m;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot read TF's op registry", e);
    } finally {
      tensorflow.TF_DeleteBuffer(buf);
    }
  }
}
