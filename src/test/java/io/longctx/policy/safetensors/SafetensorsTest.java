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
  void metadataRoundTripsAndDefaultsToPt() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> t = Map.of("w", m.create(new float[] {1f, 2f}));
      Path plain = dir.resolve("plain.safetensors");
      SafetensorsWriter.write(plain, t, DataType.FLOAT32);
      assertThat(SafetensorsReader.open(plain).metadata()).containsExactly(Map.entry("format", "pt"));
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("format", "longctx-adamw-v1");
      meta.put("step", "42");
      Path state = dir.resolve("sub/state.safetensors");
      SafetensorsWriter.write(state, t, DataType.FLOAT32, meta);
      SafetensorsReader r = SafetensorsReader.open(state);
      assertThat(r.metadata()).isEqualTo(meta);
      assertThat(r.readFloat32("w", m).toFloatArray()).containsExactly(1f, 2f);
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

  @Test
  void largeTensorsAreReadAndWrittenInBlocksOfRows() {
    long readBlock = SafetensorsReader.blockBytes;
    long writeBlock = SafetensorsWriter.blockBytes;
    try (NDManager m = NDManager.newBaseManager()) {
      SafetensorsReader.blockBytes = 40; // 2.5 rows of 4 float32
      SafetensorsWriter.blockBytes = 24;
      float[] values = new float[7 * 4];
      for (int i = 0; i < values.length; i++) {
        values[i] = i * 0.5f - 3;
      }
      NDArray a = m.create(values, new Shape(7, 4));
      for (DataType t : new DataType[] {DataType.FLOAT32, DataType.BFLOAT16}) {
        Path f = dir.resolve("big-" + t + ".safetensors");
        SafetensorsWriter.write(f, Map.of("w", a), t);
        NDArray back = SafetensorsReader.open(f).readFloat32("w", m);
        assertThat(back.getShape()).isEqualTo(new Shape(7, 4));
        assertThat(back.toFloatArray()).containsExactly(values); // all exactly representable in bf16
      }
    } finally {
      SafetensorsReader.blockBytes = readBlock;
      SafetensorsWriter.blockBytes = writeBlock;
    }
  }
}
