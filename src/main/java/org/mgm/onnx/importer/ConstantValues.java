package org.mgm.onnx.importer;

import java.util.List;
import org.mgm.tensor.HostTensor;

/** The value of an ONNX Constant node, whichever of its attribute forms it uses. */
public final class ConstantValues {
  private ConstantValues() {}

  public static HostTensor of(NodeContext node) {
    HostTensor t = node.attrTensor("value");
    if (t != null) {
      return t;
    }
    if (node.hasAttr("value_float")) {
      return HostTensor.of(new float[] {node.attrFloat("value_float", 0)});
    }
    if (node.hasAttr("value_int")) {
      return HostTensor.of(new long[] {node.attrInt("value_int", 0)});
    }
    List<Float> floats = node.attrFloats("value_floats");
    if (floats != null) {
      float[] f = new float[floats.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = floats.get(i);
      }
      return HostTensor.of(f, f.length);
    }
    long[] ints = node.attrInts("value_ints");
    if (ints != null) {
      return HostTensor.of(ints, ints.length);
    }
    throw node.fail("has no value attribute this importer reads (value, value_float(s), value_int(s))");
  }
}
