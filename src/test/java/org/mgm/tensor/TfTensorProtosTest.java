package org.mgm.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** Const values as TF writes them: packed content, short value lists (last repeats), none (zeros). */
class TfTensorProtosTest {
  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return s.build();
  }

  @Test
  void packedContentRoundTripsEveryType() {
    HostTensor[] values = {
      HostTensor.of(new float[] {1.5f, -2f, 3f, 0.25f, 7f, 8f}, 2, 3),
      HostTensor.of(new double[] {1e-300, 2}, 2),
      HostTensor.of(new long[] {Long.MIN_VALUE, 5}, 2, 1),
      HostTensor.of(new int[] {-1, 4, 9}, 3),
      HostTensor.of(new boolean[] {true, false}, 2),
    };
    for (HostTensor v : values) {
      HostTensor back = TfTensorProtos.decode(TfTensorProtos.encode(v));
      assertEquals(v.type(), back.type());
      assertArrayEquals(v.shape(), back.shape());
      assertArrayEquals(v.toDoubles(), back.toDoubles());
    }
  }

  @Test
  void shortListsRepeatTheLastValueAndEmptyListsAreZeros() {
    TensorProto filled = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(2, 2))
        .addFloatVal(1f).addFloatVal(0.5f).build();
    assertArrayEquals(new float[] {1f, 0.5f, 0.5f, 0.5f}, TfTensorProtos.decode(filled).floats());
    TensorProto zeros = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(shape(3)).build();
    assertArrayEquals(new long[] {0, 0, 0}, TfTensorProtos.decode(zeros).longs());
    TensorProto scalar = TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(shape()).addInt64Val(7).build();
    assertArrayEquals(new long[] {7}, TfTensorProtos.decode(scalar).longs());
  }

  @Test
  void tooManyValuesAndUnsupportedTypesAreRefused() {
    TensorProto tooMany = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(1))
        .addFloatVal(1f).addFloatVal(2f).build();
    assertThrows(IllegalArgumentException.class, () -> TfTensorProtos.decode(tooMany));
    TensorProto text = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(1))
        .addStringVal(com.google.protobuf.ByteString.copyFromUtf8("x")).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfTensorProtos.decode(text));
    assertTrue(e.getMessage().contains("DT_STRING"), e.getMessage());
  }
}
