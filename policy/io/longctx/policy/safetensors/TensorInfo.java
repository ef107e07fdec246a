package io.longctx.policy.safetensors;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name tensor name
 * @param dtype safetensors dtype code ({@code F32}, {@code BF16}, {@code F16}, {@code I32}, ...)
 * @param shape tensor shape
 * @param file the file holding its bytes
 * @param begin first data byte, relative to the start of the data section
 * @param end one past the last data byte, relative to the start of the data section
 */
public record TensorInfo(String name, String dtype, Shape shape, Path file, long begin, long end) {

  /** The DJL data type for a safetensors dtype code, or {@code null} when unsupported. */
  public static DataType dataType(String code) {
    return switch (code) {
      case "F32" -> DataType.FLOAT32;
      case "F16" -> DataType.FLOAT16;
      case "BF16" -> DataType.BFLOAT16;
      case "F64" -> DataType.FLOAT64;
      case "I64" -> DataType.INT64;
      case "I32" -> DataType.INT32;
      case "I8" -> DataType.INT8;
      case "U8" -> DataType.UINT8;
      case "BOOL" -> DataType.BOOLEAN;
      default -> null;
    };
  }

  /** The safetensors dtype code for a DJL data type. */
  public static String code(DataType type) {
    return switch (type) {
      case FLOAT32 -> "F32";
      case FLOAT16 -> "F16";
      case BFLOAT16 -> "BF16";
      case FLOAT64 -> "F64";
      case INT64 -> "I64";
      case INT32 -> "I32";
      case INT8 -> "I8";
      case UINT8 -> "U8";
      case BOOLEAN -> "BOOL";
      default -> throw new IllegalArgumentException("no safetensors dtype for " + type);
    };
  }

  public long byteSize() {
    return end - begin;
  }
}
