package io.longctx.policy.train.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal safetensors file of float32 tensors plus string metadata, used for optimizer state. The layout is
 * the standard one (8-byte little-endian header length, JSON header, raw little-endian data), so the file also
 * opens with the {@code safetensors} Python package. Writes go to a temporary file that is atomically renamed.
 */
public final class StateFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tensor: shape and row-major float32 data. */
  public record Tensor(long[] shape, float[] data) {}

  /** File contents: tensors in file order and the {@code __metadata__} map. */
  public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

  private StateFile() {}

  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long bytes = 4L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (Tensor t : tensors.values()) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        out.write(b.array());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a file written by {@link #write}; any structural problem is an IOException saying what is wrong. */
  public static Contents read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new IOException("file has " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
        throw new IOException("header length " + headerLen + " does not fit a file of " + size + " bytes");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      long dataStart = 8 + headerLen;
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(e.getKey(), readTensor(ch, e.getKey(), e.getValue(), dataStart, size));
      }
      return new Contents(tensors, metadata);
    }
  }

  private static Tensor readTensor(FileChannel ch, String name, JsonNode t, long dataStart, long size)
      throws IOException {
    if (!"F32".equals(t.path("dtype").asText())) {
      throw new IOException("tensor " + name + " has dtype " + t.path("dtype") + ", only F32 is written here");
    }
    long[] shape = new long[t.path("shape").size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.path("shape").get(i).asLong();
      n *= shape[i];
    }
    long begin = t.path("data_offsets").path(0).asLong(-1);
    long end = t.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end - begin != 4 * n || dataStart + end > size) {
      throw new IOException("tensor " + name + " has offsets [" + begin + ", " + end + ") that do not match its"
          + " shape or lie past the end of the file (truncated?)");
    }
    ByteBuffer b = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, b, dataStart + begin);
    float[] data = new float[(int) n];
    b.flip().asFloatBuffer().get(data);
    return new Tensor(shape, data);
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int r = ch.read(b, p);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + p + " (truncated?)");
      }
      p += r;
    }
  }
}
