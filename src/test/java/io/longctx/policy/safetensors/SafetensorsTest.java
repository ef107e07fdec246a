package io.longctx.policy.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Format-level checks: header layout, dtypes, bfloat16 rounding. */
class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void headerIsAlignedAndDtypesRoundTrip() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = new LinkedHashMap<>();
      t.put("f", m.create(new float[] {0.1f, -2.5f, 65504f, 1e-3f}, new Shape(2, 2)));
      t.put("i", m.create(new int[] {1, -2, 3}));
      t.put("l", m.create(new long[] {1L << 40}));
      Path f16 = dir.resolve("f16.safetensors");
      SafetensorsWriter.write(f16, t, DataType.FLOAT16);
      ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(f16)).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = raw.getLong();
      assertThat(headerLength % 8).isZero();
      SafetensorsReader r = SafetensorsReader.open(f16);
      assertThat(r.tensors().keySet()).containsExactly("f", "i", "l");
      assertThat(r.tensors().get("f").dtype()).isEqualTo("F16");
      assertThat(r.tensors().get("i").dtype()).isEqualTo("I32");
      assertThat(r.read("i", m).toIntArray()).containsExactly(1, -2, 3);
      assertThat(r.read("l", m).toLongArray()).containsExactly(1L << 40);
      float[] back = r.readFloat32("f", m).toFloatArray();
      assertThat(back[1]).isEqualTo(-2.5f);
      assertThat(back[2]).isEqualTo(65504f);
      assertThat(back[0]).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-4f));
      assertThat(Files.size(f16)).isEqualTo(8 + headerLength + 4 * 2 + 3 * 4 + 8);
    }
  }

  @Test
  void bfloat16RoundsToNearestEven() {
    assertThat(Bfloat16.narrow(1.0f)).isEqualTo((short) 0x3F80);
    assertThat(Bfloat16.narrow(-2.0f)).isEqualTo((short) 0xC000);
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to even (1.0)
    assertThat(Bfloat16.narrow(1.0f + 1f / 256)).isEqualTo((short) 0x3F80);
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6)
    assertThat(Bfloat16.narrow(1.0f + 3f / 256)).isEqualTo((short) 0x3F82);
    assertThat(Bfloat16.narrow(Float.NaN)).isEqualTo((short) 0x7FC0);
    ByteBuffer bytes = Bfloat16.fromFloat32(new float[] {3.140625f, -0.5f});
    ByteBuffer wide = Bfloat16.toFloat32(bytes);
    assertThat(wide.getFloat(0)).isEqualTo(3.140625f);
    assertThat(wide.getFloat(4)).isEqualTo(-0.5f);
  }
}
