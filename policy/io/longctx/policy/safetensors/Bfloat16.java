package io.longctx.policy.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * bfloat16 conversion done in Java: the PyTorch engine of DJL 0.36 aborts the JVM when asked to create or
 * cast a bfloat16 tensor, so bfloat16 never reaches the engine. Widening is exact; narrowing rounds to nearest
 * even, as PyTorch does.
 */
final class Bfloat16 {
  private Bfloat16() {}

  /** Little-endian bfloat16 bytes to a native-order direct buffer of float32 bytes. */
  static ByteBuffer toFloat32(ByteBuffer bf16) {
    ByteBuffer in = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = in.remaining() / 2;
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    for (int i = 0; i < n; i++) {
      out.putInt((in.getShort() & 0xFFFF) << 16);
    }
    return out.flip();
  }

  /** float32 values to little-endian bfloat16 bytes, rounding to nearest even. */
  static ByteBuffer fromFloat32(float[] values) {
    ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      out.putShort(narrow(v));
    }
    return out.flip();
  }

  static short narrow(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) 0x7FC0;
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }
}
