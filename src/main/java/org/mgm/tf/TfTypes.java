package org.mgm.tf;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/** TF dtypes as TF Java tensor classes, for the few kernels the loader builds itself. */
public final class TfTypes {
  private TfTypes() {}

  public static Class<? extends TType> javaType(DataType t, String what) {
    return switch (t) {
      case DT_FLOAT -> TFloat32.class;
      case DT_DOUBLE -> TFloat64.class;
      case DT_INT32 -> TInt32.class;
      case DT_INT64 -> TInt64.class;
      case DT_BOOL -> TBool.class;
      case DT_UINT8 -> TUint8.class;
      case DT_STRING -> TString.class;
      default -> throw new TfModelException(what + " has dtype " + t + ", which the toolkit does not read");
    };
  }

  /** A variable or tensor dtype as it appears in attributes: reference types ({@code DT_FLOAT_REF}) as their value type. */
  static DataType valueType(DataType t) {
    int n = t.getNumber();
    return n > 100 ? DataType.forNumber(n - 100) : t;
  }
}
