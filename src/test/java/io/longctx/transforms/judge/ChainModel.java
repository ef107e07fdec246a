package io.longctx.transforms.judge;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.model.ParameterNames;
import io.longctx.policy.model.Qwen2Config;
import io.longctx.policy.safetensors.SafetensorsWriter;
import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Qwen2 checkpoint whose greedy continuation is known in advance. Every layer's output projections are zero,
 * so the residual stream at a position is that token's embedding and the next-token logits depend only on the
 * current token: a bigram table written into the weights. Token {@code start} (the last token of every chat
 * template's generation prompt, a newline) leads to the reply's first token, each reply token to the next, and the
 * last one to the end-of-text token. Loading and decoding it exercises the whole engine (safetensors, config,
 * attention, KV cache, padding of ragged batches, stop tokens).
 */
final class ChainModel {
  static final int HIDDEN = 32;

  private ChainModel() {}

  /** A byte-level BPE whose merges make every word and bracket run of {@code replies} a single token. */
  static BpeTokenizer tokenizer(String... replies) {
    BpeTrainer t = new BpeTrainer(400, 2);
    for (int i = 0; i < 50; i++) {
      for (String r : replies) {
        t.add(r);
      }
    }
    return t.train();
  }

  /**
   * Writes {@code dir/config.json}, {@code dir/model.safetensors} and {@code dir/merges.txt} of a model that
   * answers any prompt ending in {@code start} with {@code reply}, then stops.
   */
  static Path write(Path dir, BpeTokenizer tok, int start, String reply) throws IOException {
    int[] chain = tok.encode(reply);
    List<Integer> states = new ArrayList<>();
    states.add(start);
    for (int id : chain) {
      states.add(id);
    }
    if (states.stream().distinct().count() != states.size() || states.size() > HIDDEN) {
      throw new IllegalArgumentException("a bigram chain needs distinct tokens (at most " + HIDDEN + "): "
          + states + " for '" + reply + "'");
    }
    int vocab = tok.vocabSize();
    Qwen2Config c = new Qwen2Config(HIDDEN, 1, 2, 1, HIDDEN / 2, 16, vocab, 1e-6, false, 4096, 10000.0, null,
        List.of(BpeTokenizer.EOS));
    float[] embed = new float[vocab * HIDDEN];
    float[] head = new float[vocab * HIDDEN];
    for (int k = 0; k < states.size(); k++) {
      embed[states.get(k) * HIDDEN + k] = 1f;
      int next = k + 1 < states.size() ? states.get(k + 1) : BpeTokenizer.EOS;
      head[next * HIDDEN + k] = 10f;
    }
    Files.createDirectories(dir);
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      for (String name : ParameterNames.all(c)) {
        long[] shape = ParameterNames.shape(c, name);
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values;
        if (name.equals(ParameterNames.EMBED)) {
          values = embed;
        } else if (name.equals(ParameterNames.LM_HEAD)) {
          values = head;
        } else if (name.endsWith("norm.weight")) {
          values = new float[n];
          Arrays.fill(values, 1f);
        } else {
          values = new float[n]; // zero projections: no layer changes the residual stream
        }
        tensors.put(name, m.create(values, new Shape(shape)));
      }
      SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, DataType.FLOAT32);
    }
    Files.writeString(dir.resolve("config.json"), c.toJson().toPrettyString());
    tok.write(dir.resolve("merges.txt"));
    return dir;
  }
}
