package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyErrors;
import io.longctx.policy.model.KvCache;
import io.longctx.policy.model.Qwen2Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched autoregressive generation with a preallocated KV cache. Prompts of different lengths are left-padded
 * to a common length so all sequences share one cache write position; generation stops per sequence at a stop
 * token or stop string and for the batch when every sequence has stopped or max-new-tokens is reached.
 * Deterministic for a given seed, prompt list and config. Not thread-safe (one per thread).
 */
public final class Generator {
  private final Qwen2Model model;

  public Generator(Qwen2Model model) {
    this.model = model;
  }

  /** Generates one continuation per prompt, in prompt order. */
  public List<Generation> generate(List<int[]> prompts, GenerationConfig config) {
    if (prompts.isEmpty()) {
      return List.of();
    }
    int batch = prompts.size();
    int promptLength = 0;
    for (int i = 0; i < batch; i++) {
      checkPrompt(i, prompts.get(i), model.config().vocabSize());
      promptLength = Math.max(promptLength, prompts.get(i).length);
    }
    int capacity = promptLength + config.maxNewTokens();
    Sequences state = new Sequences(prompts, config);
    try (NDManager m = model.manager().newSubManager();
        KvCache cache = model.newCache(batch, capacity, m)) {
      NDArray mask = attentionMask(prompts, promptLength, capacity, m);
      NDArray logits = prefill(prompts, promptLength, config.padTokenId(), mask, cache, m);
      Sampler sampler = new Sampler(config, batch);
      int[] rows = java.util.stream.IntStream.range(0, batch).toArray(); // batch row -> prompt index
      for (int step = 0; step < config.maxNewTokens(); step++) {
        Sampler.Choice choice = sampler.choose(logits, rows);
        logits.close();
        state.record(choice, rows);
        if (state.allDone() || step == config.maxNewTokens() - 1) {
          break;
        }
        int[] active = state.activeRows(rows);
        if (active.length <= rows.length * 3 / 4) {
          // drop finished sequences from the batch so they stop costing compute
          cache.keepRows(active);
          mask = keepRows(mask, active);
          rows = select(rows, active);
        }
        logits = decodeStep(state.nextInput(rows, config.padTokenId()), state.nextPositions(rows), mask, cache, m);
      }
    }
    return state.results();
  }

  /** Rejects an empty prompt or one with ids outside the vocabulary, naming prompt {@code i}. */
  static void checkPrompt(int i, int[] prompt, int vocabSize) {
    if (prompt.length == 0) {
      throw PolicyErrors.badRequest("prompt " + i + " is empty; generation needs at least one prompt token");
    }
    for (int id : prompt) {
      if (id < 0 || id >= vocabSize) {
        throw PolicyErrors.badRequest(
            "prompt " + i + " holds token id " + id + " outside the vocabulary [0, " + vocabSize + ")");
      }
    }
  }

  private NDArray prefill(List<int[]> prompts, int promptLength, int pad, NDArray mask, KvCache cache, NDManager m) {
    int batch = prompts.size();
    int[] ids = new int[batch * promptLength];
    int[] pos = new int[batch * promptLength];
    Arrays.fill(ids, pad);
    for (int i = 0; i < batch; i++) {
      int[] p = prompts.get(i);
      int offset = i * promptLength + promptLength - p.length;
      System.arraycopy(p, 0, ids, offset, p.length);
      for (int j = 0; j < p.length; j++) {
        pos[offset + j] = j;
      }
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Shape shape = new Shape(batch, promptLength);
      NDArray hidden = model.hiddenStates(
          m.create(ids, shape), m.create(pos, shape), mask.get(new NDIndex(":, :{}", promptLength)), cache);
      NDArray logits = model.logits(hidden.get(new NDIndex(":, -1, :")));
      hidden.close(); // attached to m, outside this scope
      NDScope.unregister(logits);
      return logits;
    }
  }

  private NDArray decodeStep(int[] ids, int[] positions, NDArray mask, KvCache cache, NDManager m) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Shape shape = new Shape(ids.length, 1);
      int upTo = cache.length() + 1;
      NDArray logits = model.forward(
          m.create(ids, shape), m.create(positions, shape), mask.get(new NDIndex().addAllDim().addSliceDim(0, upTo)), cache);
      NDArray last = logits.reshape(ids.length, logits.getShape().get(2));
      logits.close(); // attached to m, outside this scope; the reshaped view keeps the storage
      NDScope.unregister(last);
      return last;
    }
  }

  private static NDArray keepRows(NDArray mask, int[] active) {
    long[] idx = new long[active.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = active[i];
    }
    try (NDArray index = mask.getManager().create(idx)) {
      NDArray kept = mask.get(new NDIndex("{}", index));
      mask.close();
      return kept;
    }
  }

  private static int[] select(int[] rows, int[] active) {
    int[] out = new int[active.length];
    for (int i = 0; i < active.length; i++) {
      out[i] = rows[active[i]];
    }
    return out;
  }

  /** {@code [B, capacity]}: 0 over each prompt's left padding, 1 everywhere else. */
  private static NDArray attentionMask(List<int[]> prompts, int promptLength, int capacity, NDManager m) {
    int[] mask = new int[prompts.size() * capacity];
    for (int i = 0; i < prompts.size(); i++) {
      Arrays.fill(mask, i * capacity + promptLength - prompts.get(i).length, (i + 1) * capacity, 1);
    }
    return m.create(mask, new Shape(prompts.size(), capacity));
  }
}
