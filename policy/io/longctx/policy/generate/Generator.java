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

    /** Records the tokens sampled for batch rows {@code rows} (prompt indices). */
    void record(Sampler.Choice choice, int[] rows) {
      for (int r = 0; r < rows.length; r++) {
        int i = rows[r];
        lastToken[i] = choice.tokens()[r];
        if (finished[i] != null) {
          continue;
        }
        int t = choice.tokens()[r];
        tokens[i][lengths[i]] = t;
        logProbs[i][lengths[i]] = choice.logProbs()[r];
        lengths[i]++;
        if (isStopToken(t) || hitsStopString(i)) {
          finished[i] = FinishReason.STOP;
        } else if (lengths[i] == config.maxNewTokens()) {
          finished[i] = FinishReason.LENGTH;
        }
      }
    }

    /** Positions (into {@code rows}) of the batch rows whose sequence is still running. */
    int[] activeRows(int[] rows) {
      return java.util.stream.IntStream.range(0, rows.length).filter(r -> finished[rows[r]] == null).toArray();
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

    int[] nextInput(int[] rows, int pad) {
      int[] ids = new int[rows.length];
      for (int r = 0; r < rows.length; r++) {
        ids[r] = finished[rows[r]] == null ? lastToken[rows[r]] : pad;
      }
      return ids;
    }

    int[] nextPositions(int[] rows) {
      int[] pos = new int[rows.length];
      for (int r = 0; r < rows.length; r++) {
        pos[r] = prompts.get(rows[r]).length + lengths[rows[r]] - 1;
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
