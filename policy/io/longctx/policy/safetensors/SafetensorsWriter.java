package io.longctx.policy.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.policy.PolicyErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors in the safetensors format that Hugging Face tools load: one file, or shards plus a
 * {@code model.safetensors.index.json}. Floating-point tensors are stored in the requested dtype (float32,
 * bfloat16 or float16); integer tensors keep theirs. Files are written to a temporary name and moved into place,
 * so a crash never leaves a half-written checkpoint under the final name.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private SafetensorsWriter() {}

  /** Writes one file holding all tensors, in map order, with the metadata Hugging Face expects ({@code format: pt}). */
  public static void write(Path file, Map<String, NDArray> tensors, DataType floatType) {
    write(file, tensors, floatType, Map.of("format", "pt"));
  }

  /**
   * Writes one file holding all tensors, in map order, with {@code metadata} as the header's
   * {@code __metadata__} string map (for example optimizer state with its step count).
   */
  public static void write(Path file, Map<String, NDArray> tensors, DataType floatType, Map<String, String> metadata) {
    checkFloatType(floatType);
    List<Map.Entry<String, NDArray>> entries = new ArrayList<>(tensors.entrySet());
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, NDArray> e : entries) {
      DataType t = storedType(e.getValue(), floatType);
      long bytes = e.getValue().getShape().size() * t.getNumOfBytes();
      ObjectNode o = header.putObject(e.getKey());
      o.put("dtype", TensorInfo.code(t));
      ArrayNode shape = o.putArray("shape");
      for (long d : e.getValue().getShape().getShape()) {
        shape.add(d);
      }
      o.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(header);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
    try (FileChannel ch = FileChannel.open(
        tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      writeFully(ch, head);
      for (Map.Entry<String, NDArray> e : entries) {
        writeTensor(ch, e.getValue(), storedType(e.getValue(), floatType));
      }
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
    move(tmp, file);
  }

  /**
   * Writes shards of at most {@code maxShardBytes} each (a larger single tensor gets its own shard) named
   * {@code model-0000i-of-0000n.safetensors}, plus {@code model.safetensors.index.json}, into {@code dir}.
   */
  public static void writeSharded(Path dir, Map<String, NDArray> tensors, DataType floatType, long maxShardBytes) {
    checkFloatType(floatType);
    List<Map<String, NDArray>> shards = new ArrayList<>();
    Map<String, NDArray> current = new LinkedHashMap<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
      long bytes = e.getValue().getShape().size() * storedType(e.getValue(), floatType).getNumOfBytes();
      if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
        shards.add(current);
        current = new LinkedHashMap<>();
        currentBytes = 0;
      }
      current.put(e.getKey(), e.getValue());
      currentBytes += bytes;
      total += bytes;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    ObjectNode index = JSON.createObjectNode();
    index.putObject("metadata").put("total_size", total);
    ObjectNode weightMap = index.putObject("weight_map");
    for (int i = 0; i < shards.size(); i++) {
      String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
      write(dir.resolve(name), shards.get(i), floatType);
      for (String t : shards.get(i).keySet()) {
        weightMap.put(t, name);
      }
    }
    Path indexFile = dir.resolve("model.safetensors.index.json");
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(indexFile.toFile(), index);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(indexFile, e);
    }
  }

  private static void checkFloatType(DataType t) {
    if (t != DataType.FLOAT32 && t != DataType.BFLOAT16 && t != DataType.FLOAT16) {
      throw PolicyErrors.badRequest("safetensors float dtype must be float32, bfloat16 or float16, got " + t);
    }
  }

  private static DataType storedType(NDArray a, DataType floatType) {
    return a.getDataType().isFloating() ? floatType : a.getDataType();
  }

  /** Largest single write; package-private so tests can force block-wise writes of small tensors. */
  static long blockBytes = 1L << 30;

  private static void writeTensor(FileChannel ch, NDArray a, DataType t) throws IOException {
    long[] dims = a.getShape().getShape();
    long bytes = a.getShape().size() * t.getNumOfBytes();
    if (bytes <= blockBytes || dims.length == 0 || dims[0] <= 1) {
      writeBlock(ch, a, t);
      return;
    }
    // Java buffers hold < 2 GiB: write large tensors in blocks of rows
    long rowsPerBlock = Math.max(1, blockBytes / (bytes / dims[0]));
    for (long r = 0; r < dims[0]; r += rowsPerBlock) {
      NDIndex rows = new NDIndex().addSliceDim(r, Math.min(dims[0], r + rowsPerBlock));
      try (NDArray block = a.get(rows)) {
        writeBlock(ch, block, t);
      }
    }
  }

  private static void writeBlock(FileChannel ch, NDArray a, DataType t) throws IOException {
    if (t == DataType.BFLOAT16) {
      float[] values = a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : floats(a);
      writeFully(ch, Bfloat16.fromFloat32(values));
      return;
    }
    if (a.getDataType() == t) {
      writeFully(ch, a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
      return;
    }
    try (NDArray converted = a.toType(t, true)) {
      writeFully(ch, converted.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }
  }

  private static float[] floats(NDArray a) {
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void move(Path tmp, Path file) {
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw PolicyErrors.unwritable(file, e);
    }
  }

}
