package org.mgm.fuzz;

import org.mgm.tensor.TfTensorProtos;
import org.tensorflow.proto.TensorProto;

/**
 * TF TensorProtos as SavedModels, frozen graphs and checkpoints carry their constants: dtype,
 * shape, and the packed or repeated values that must agree with it.
 */
public final class TfTensorFuzzTarget {
  private TfTensorFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    TensorProto proto;
    try {
      proto = TensorProto.parseFrom(data);
    } catch (com.google.protobuf.InvalidProtocolBufferException notAProto) {
      return; // protobuf's own rejection, which the TF loaders report as a bad file
    }
    FuzzInput.expectNamedErrorsOnly(() -> TfTensorProtos.decode(proto));
  }
}
