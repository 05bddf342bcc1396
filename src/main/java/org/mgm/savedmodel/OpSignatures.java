package org.mgm.savedmodel;

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
 * the op's arguments: a list argument ({@code ConcatV2}'s values) must be added to a builder as
 * one list, not as single inputs.
 */
final class OpSignatures {
  private static volatile Map<String, OpDef> defs;

  private OpSignatures() {}

  static OpDef of(String op) {
    Map<String, OpDef> m = defs;
    if (m == null) {
      synchronized (OpSignatures.class) {
        if (defs == null) {
          defs = load();
        }
        m = defs;
      }
    }
    return m.get(op);
  }

  /** Number of NodeDef inputs that each OpDef input argument takes, in order. */
  static int[] argumentSizes(OpDef def, NodeDef node) {
    int[] sizes = new int[def.getInputArgCount()];
    for (int i = 0; i < sizes.length; i++) {
      OpDef.ArgDef arg = def.getInputArg(i);
      if (!arg.getNumberAttr().isEmpty()) {
        sizes[i] = (int) attr(node, arg.getNumberAttr()).getI();
      } else if (!arg.getTypeListAttr().isEmpty()) {
        sizes[i] = attr(node, arg.getTypeListAttr()).getList().getTypeCount();
      } else {
        sizes[i] = -1; // a single tensor
      }
    }
    return sizes;
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
