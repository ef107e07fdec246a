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
      int[] p = prompts.get(i);
      if (p.length == 0) {
        throw PolicyErrors.badRequest("prompt " + i + " is empty; generation needs at least one prompt token");
      }
      for (int id : p) {
        if (id < 0 || id >= model.config().vocabSize()) {
          throw PolicyErrors.badRequest(
              "prompt " + i + " holds token id " + id + " outside the vocabulary [0, " + model.config().vocabSize() + ")");
        }
      }
      promptLength = Math.max(promptLength, p.length);
    }
    int capacity = promptLength + config.maxNewTokens();
    State state = new State(prompts, config);
    try (NDManager m = model.manager().newSubManager();
        KvCache cache = model.newCache(batch, capacity, m)) {
      NDArray mask = attentionMask(prompts, promptLength, capacity, m);
      NDArray logits = prefill(prompts, promptLength, config.padTokenId(), mask, cache, m);
      Sampler sampler = new Sampler(config, batch);
      for (int step = 0; step < config.maxNewTokens(); step++) {
        Sampler.Choice choice = sampler.choose(logits);
        logits.close();
        state.record(choice);
        if (state.allDone() || step == config.maxNewTokens() - 1) {
          break;
        }
        logits = decodeStep(state.nextInput(config.padTokenId()), state.nextPositions(), mask, cache, m);
      }
    }
    return state.results();
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
      Shape shape = new Shape(ids.length, 1);
      int upTo = cache.length() + 1;
      NDArray logits = model.forward(
          m.create(ids, shape), m.create(positions, shape), mask.get(new NDIndex(":, :{}", upTo)), cache);
      NDArray last = logits.reshape(ids.length, logits.getShape().get(2));
      logits.close(); // attached to m, outside this scope; the reshaped view keeps the storage
      NDScope.unregister(last);
      return last;
    }
  }

  /** {@code [B, capacity]}: 0 over each prompt's left padding, 1 everywhere else. */
  private static NDArray attentionMask(List<int[]> prompts, int promptLength, int capacity, NDManager m) {
    int[] mask = new int[prompts.size() * capacity];
    for (int i = 0; i < prompts.size(); i++) {
      Arrays.fill(mask, i * capacity + promptLength - prompts.get(i).length, (i + 1) * capacity, 1);
    }
    return m.create(mask, new Shape(prompts.size(), capacity));
  }

  /** Per-sequence bookkeeping on the Java side: generated ids, log-probs, stop detection. */
  private static final class State {
    private final List<int[]> prompts;
    private final GenerationConfig config;
    private final int[][] tokens;
    private final float[][] logProbs;
    private final int[] lengths;
    private final FinishReason[] finished;
    private final int[] lastToken;
    private final int stopWindow;

    State(List<int[]> prompts, GenerationConfig config) {
      this.prompts = prompts;
      this.config = config;
      int b = prompts.size();
      tokens = new int[b][config.maxNewTokens()];
      logProbs = new float[b][config.maxNewTokens()];
      lengths = new int[b];
      finished = new FinishReason[b];
      lastToken = new int[b];
      int longest = config.stopStrings().stream().mapToInt(String::length).max().orElse(0);
      stopWindow = 4 * longest + 4;
    }

    void record(Sampler.Choice choice) {
      for (int i = 0; i < tokens.length; i++) {
        lastToken[i] = choice.tokens()[i];
        if (finished[i] != null) {
          continue;
        }
        int t = choice.tokens()[i];
        tokens[i][lengths[i]] = t;
        logProbs[i][lengths[i]] = choice.logProbs()[i];
        lengths[i]++;
        if (isStopToken(t) || hitsStopString(i)) {
          finished[i] = FinishReason.STOP;
        } else if (lengths[i] == config.maxNewTokens()) {
          finished[i] = FinishReason.LENGTH;
        }
      }
    }

    private boolean isStopToken(int t) {
      for (int s : config.stopTokenIds()) {
        if (s == t) {
          return true;
        }
      }
      return false;
    }

    private boolean hitsStopString(int i) {
      if (config.stopStrings().isEmpty()) {
        return false;
      }
      int from = Math.max(0, lengths[i] - stopWindow);
      String tail = config.decoder().apply(Arrays.copyOfRange(tokens[i], from, lengths[i]));
      for (String s : config.stopStrings()) {
        if (tail.contains(s)) {
          return true;
        }
      }
      return false;
    }

    boolean allDone() {
      for (FinishReason f : finished) {
        if (f == null) {
          return false;
        }
      }
      return true;
    }

    int[] nextInput(int pad) {
      int[] ids = new int[tokens.length];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = finished[i] == null ? lastToken[i] : pad;
      }
      return ids;
    }

    int[] nextPositions() {
      int[] pos = new int[tokens.length];
      for (int i = 0; i < pos.length; i++) {
        pos[i] = prompts.get(i).length + lengths[i] - 1;
      }
      return pos;
    }

    List<Generation> results() {
      List<Generation> out = new ArrayList<>(tokens.length);
      for (int i = 0; i < tokens.length; i++) {
        FinishReason reason = finished[i] == null ? FinishReason.LENGTH : finished[i];
        out.add(new Generation(prompts.get(i).clone(), Arrays.copyOf(tokens[i], lengths[i]),
            Arrays.copyOf(logProbs[i], lengths[i]), reason));
      }
      return out;
    }
  }
}
