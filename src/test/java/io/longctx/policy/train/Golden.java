package io.longctx.policy.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test-side reader of the qwen2-tiny-a reference tensors (F32 and I32 safetensors), independent of the production
 * readers so that a bug there cannot hide a parity failure.
 */
final class Golden {
  static final Path DIR = Path.of("src/test/resources/qwen2-golden/qwen2-tiny-a");
  static final Path MODEL_DIR = DIR.resolve("model");

  record Tensor(long[] shape, float[] f32, int[] i32) {}

  private Golden() {}

  static Map<String, Tensor> golden() {
    return read(DIR.resolve("golden.safetensors"));
  }

  static Map<String, Tensor> weights() {
    return read(MODEL_DIR.resolve("model.safetensors"));
  }

  static Map<String, Tensor> read(Path file) {
    try {
      byte[] all = Files.readAllBytes(file);
      ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
      int n = (int) buf.getLong(0);
      JsonNode header = new ObjectMapper().readTree(new String(all, 8, n, StandardCharsets.UTF_8));
      Map<String, Tensor> out = new LinkedHashMap<>();
      header.fields().forEachRemaining(e -> {
        if (e.getKey().equals("__metadata__")) {
          return;
        }
        JsonNode t = e.getValue();
        long[] shape = new long[t.get("shape").size()];
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.get("shape").get(i).asLong();
          count *= (int) shape[i];
        }
        int begin = 8 + n + t.get("data_offsets").get(0).asInt();
        ByteBuffer slice = ByteBuffer.wrap(all, begin, 4 * count).slice().order(ByteOrder.LITTLE_ENDIAN);
        String dtype = t.get("dtype").asText();
        if (dtype.equals("F32")) {
          float[] f = new float[count];
          slice.asFloatBuffer().get(f);
          out.put(e.getKey(), new Tensor(shape, f, null));
        } else if (dtype.equals("I32")) {
          int[] v = new int[count];
          slice.asIntBuffer().get(v);
          out.put(e.getKey(), new Tensor(shape, null, v));
        } else {
          throw new IllegalStateException("unexpected dtype " + dtype + " for " + e.getKey());
        }
      });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readme() {
    try {
      return new ObjectMapper().readTree(DIR.resolve("README.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("length " + a.length + " != " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  /**
   * The group of a {@code grpo_*} golden as rollouts: prompt, the response up to its (prefix) mask, its old
   * log-probs and advantage.
   */
  static java.util.List<Rollout> rollouts(Map<String, Tensor> g, int promptLength, int responseLength) {
    int[] seq = g.get("grpo_sequences").i32();
    float[] mask = g.get("grpo_response_mask").f32();
    float[] old = g.get("grpo_old_logprobs").f32();
    float[] adv = g.get("grpo_advantages").f32();
    int width = promptLength + responseLength;
    java.util.List<Rollout> out = new java.util.ArrayList<>();
    for (int b = 0; b < adv.length; b++) {
      int n = 0;
      while (n < responseLength && mask[b * responseLength + n] > 0) {
        n++;
      }
      for (int j = n; j < responseLength; j++) {
        if (mask[b * responseLength + j] != 0) {
          throw new AssertionError("the response mask of row " + b + " is not a prefix");
        }
      }
      out.add(Rollout.of(java.util.Arrays.copyOfRange(seq, b * width, b * width + promptLength),
          java.util.Arrays.copyOfRange(seq, b * width + promptLength, b * width + promptLength + n),
          java.util.Arrays.copyOfRange(old, b * responseLength, b * responseLength + n), adv[b]));
    }
    return out;
  }

  static double relErr(double actual, double expected) {
    return Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected));
  }
}
