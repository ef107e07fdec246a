package io.longctx.policy.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.PolicyErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads tensors from a safetensors file, or from a sharded checkpoint through its
 * {@code model.safetensors.index.json}. Headers are parsed and checked on open (offsets inside the file, sizes
 * matching shape and dtype); tensor bytes are read on demand. Arrays returned are owned copies attached to the
 * caller's manager.
 */
public final class SafetensorsReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SUPPORTED = List.of("F32", "F16", "BF16", "F64", "I64", "I32", "I8", "U8", "BOOL");
  private static final long MAX_HEADER = 100L << 20;

  private final Path source;
  private final Map<String, TensorInfo> tensors;
  private final Map<Path, Long> dataStart;
  private final Map<String, String> metadata;

  private SafetensorsReader(
      Path source, Map<String, TensorInfo> tensors, Map<Path, Long> dataStart, Map<String, String> metadata) {
    this.source = source;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.dataStart = dataStart;
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  /**
   * Opens a {@code .safetensors} file, a {@code model.safetensors.index.json}, or a directory holding either
   * ({@code model.safetensors} first, then the index).
   */
  public static SafetensorsReader open(Path path) {
    Path p = path;
    if (Files.isDirectory(p)) {
      Path single = p.resolve("model.safetensors");
      Path index = p.resolve("model.safetensors.index.json");
      if (Files.isRegularFile(single)) {
        p = single;
      } else if (Files.isRegularFile(index)) {
        p = index;
      } else {
        throw PolicyErrors.unreadable(path, new IOException("no model.safetensors or model.safetensors.index.json"));
      }
    }
    Map<String, TensorInfo> all = new LinkedHashMap<>();
    Map<Path, Long> starts = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    if (p.getFileName().toString().endsWith(".json")) {
      for (Path shard : shards(p)) {
        starts.put(shard, readHeader(shard, all, metadata));
      }
    } else {
      starts.put(p, readHeader(p, all, metadata));
    }
    return new SafetensorsReader(p, all, starts, metadata);
  }

  private static List<Path> shards(Path index) {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (IOException e) {
      throw PolicyErrors.unreadable(index, e);
    }
    JsonNode map = root.path("weight_map");
    if (!map.isObject()) {
      throw PolicyErrors.badSafetensorsHeader(index, "no 'weight_map' object in the index");
    }
    java.util.LinkedHashSet<Path> files = new java.util.LinkedHashSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      files.add(index.resolveSibling(it.next().asText()));
    }
    return List.copyOf(files);
  }

  /**
   * Parses one file's header into {@code out} and its {@code __metadata__} strings into {@code metadata};
   * returns the absolute offset of its data section.
   */
  private static long readHeader(Path file, Map<String, TensorInfo> out, Map<String, String> metadata) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw PolicyErrors.badSafetensorsHeader(file, "file is " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.flip().getLong();
      if (n <= 0 || n > MAX_HEADER || 8 + n > size) {
        throw PolicyErrors.badSafetensorsHeader(file, "header length " + n + " does not fit the file size " + size);
      }
      ByteBuffer hb = ByteBuffer.allocate((int) n);
      readFully(ch, hb, 8);
      JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      long dataStart = 8 + n;
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        if (e.getKey().equals("__metadata__")) {
          e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        } else {
          TensorInfo info = tensorInfo(file, e.getKey(), e.getValue());
          if (dataStart + info.end() > size) {
            throw PolicyErrors.truncated(file, info.name(), dataStart + info.end(), size);
          }
          out.put(info.name(), info);
        }
      }
      return dataStart;
    } catch (IOException e) {
      throw PolicyErrors.unreadable(file, e);
    }
  }

  private static TensorInfo tensorInfo(Path file, String name, JsonNode v) {
    String dtype = v.path("dtype").asText("");
    DataType type = TensorInfo.dataType(dtype);
    if (type == null) {
      throw PolicyErrors.unsupportedDtype(file, name, dtype, SUPPORTED);
    }
    JsonNode shapeNode = v.path("shape");
    JsonNode offsets = v.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw PolicyErrors.badSafetensorsHeader(file, "entry '" + name + "' lacks shape or data_offsets");
    }
    long[] dims = new long[shapeNode.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shapeNode.get(i).asLong();
    }
    Shape shape = new Shape(dims);
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end - begin != shape.size() * type.getNumOfBytes()) {
      throw PolicyErrors.badSafetensorsHeader(
          file, "entry '" + name + "' has data_offsets [" + begin + ", " + end + "] inconsistent with "
              + dtype + shape);
    }
    return new TensorInfo(name, dtype, shape, file, begin, end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  /** The header's {@code __metadata__} string map (of every shard, for an index). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The file or index this reader was opened on. */
  public Path source() {
    return source;
  }

  /** All tensors, in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** Reads a tensor in its stored dtype, except bfloat16, which is returned widened (exactly) to float32. */
  public NDArray read(String name, NDManager manager) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw PolicyErrors.missingTensor(source, name);
    }
    long[] dims = info.shape().getShape();
    long rowBytes = dims.length == 0 ? info.byteSize() : info.byteSize() / Math.max(1, dims[0]);
    if (info.byteSize() <= blockBytes || dims.length == 0 || rowBytes == 0) {
      return readBlock(info, 0, info.byteSize(), info.shape(), manager);
    }
    // Java buffers hold < 2 GiB: read large tensors (a 14B model's float32 embedding) in blocks of rows
    long rowsPerBlock = Math.max(1, blockBytes / rowBytes);
    ai.djl.ndarray.NDList blocks = new ai.djl.ndarray.NDList();
    try {
      for (long r = 0; r < dims[0]; r += rowsPerBlock) {
        long rows = Math.min(rowsPerBlock, dims[0] - r);
        long[] blockDims = dims.clone();
        blockDims[0] = rows;
        blocks.add(readBlock(info, r * rowBytes, rows * rowBytes, new Shape(blockDims), manager));
      }
      return ai.djl.ndarray.NDArrays.concat(blocks, 0);
    } finally {
      blocks.close();
    }
  }

  /** Largest single read; package-private so tests can force block-wise reads of small tensors. */
  static long blockBytes = 1L << 30;

  private NDArray readBlock(TensorInfo info, long offset, long length, Shape shape, NDManager manager) {
    ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel ch = FileChannel.open(info.file(), StandardOpenOption.READ)) {
      readFully(ch, buf, dataStart.get(info.file()) + info.begin() + offset);
    } catch (IOException e) {
      throw PolicyErrors.unreadable(info.file(), e);
    }
    buf.rewind();
    DataType type = TensorInfo.dataType(info.dtype());
    if (type == DataType.BFLOAT16) {
      buf = Bfloat16.toFloat32(buf);
      type = DataType.FLOAT32;
    }
    // PyTorch wraps a direct buffer without copying: copy it so the array owns its memory.
    try (NDArray alias = manager.create(buf, shape, type)) {
      return alias.duplicate();
    }
  }

  /** Reads a floating-point tensor converted to float32 (bf16/f16 widened exactly). */
  public NDArray readFloat32(String name, NDManager manager) {
    TensorInfo info = tensors.get(name);
    if (info != null && !List.of("F32", "F16", "BF16", "F64").contains(info.dtype())) {
      throw PolicyErrors.unsupportedDtype(info.file(), name, info.dtype(), List.of("F32", "F16", "BF16", "F64"));
    }
    NDArray raw = read(name, manager);
    if (raw.getDataType() == DataType.FLOAT32) {
      return raw;
    }
    try (raw) {
      return raw.toType(DataType.FLOAT32, true);
    }
  }
}
