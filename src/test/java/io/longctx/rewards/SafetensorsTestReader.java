package io.longctx.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads F32 tensors from a safetensors resource: 8-byte LE header length, JSON header, raw LE data. */
final class SafetensorsTestReader {
  private final JsonNode header;
  private final ByteBuffer data;

  SafetensorsTestReader(String resource) throws IOException {
    byte[] all;
    try (InputStream in = SafetensorsTestReader.class.getResourceAsStream(resource)) {
      all = in.readAllBytes();
    }
    ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) buf.getLong(0);
    header = new ObjectMapper().readTree(new String(all, 8, n, StandardCharsets.UTF_8));
    data = ByteBuffer.wrap(all, 8 + n, all.length - 8 - n).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  float[] f32(String name) {
    JsonNode t = header.get(name);
    if (t == null || !"F32".equals(t.get("dtype").asText())) {
      throw new IllegalArgumentException("no F32 tensor " + name);
    }
    int start = t.get("data_offsets").get(0).asInt();
    int end = t.get("data_offsets").get(1).asInt();
    float[] out = new float[(end - start) / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.getFloat(start + 4 * i);
    }
    return out;
  }
}
