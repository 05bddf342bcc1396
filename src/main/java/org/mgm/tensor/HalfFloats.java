package org.mgm.tensor;

/**
 * float16 (IEEE binary16) and bfloat16 bit patterns to and from float. Widening is exact; narrowing
 * rounds to nearest, ties to even, as TF's and ONNX Runtime's casts do. (Java 17 has no
 * Float.float16ToFloat.)
 */
final class HalfFloats {
  private HalfFloats() {}

  static float halfToFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));  // inf, NaN keeping its payload
    }
    if (exp == 0) {
      // zero or subnormal: mant · 2^-24, exact in float
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  static short floatToHalf(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int exp = (x >>> 23) & 0xFF;
    int mant = x & 0x7FFFFF;
    if (exp == 0xFF) {
      return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;  // below half the smallest subnormal: rounds to zero
      }
      // subnormal: shift the mantissa with its implicit bit into place, then round
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rest > mid || (rest == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int h = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
      h++;  // may carry into the exponent, up to infinity: correct
    }
    return (short) (sign | h);
  }

  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  static short floatToBfloat16(float f) {
    int x = Float.floatToRawIntBits(f);
    if ((x & 0x7F800000) == 0x7F800000 && (x & 0x7FFFFF) != 0) {
      return (short) ((x >>> 16) | 0x40);  // a NaN stays a NaN (quiet)
    }
    return (short) ((x + 0x7FFF + ((x >>> 16) & 1)) >>> 16);
  }
}
