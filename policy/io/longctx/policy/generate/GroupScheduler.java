package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyErrors;
import io.longctx.policy.model.KvCache;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.model.RowKvCache;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Group sampling with continuous batching: each group's prompt is prefilled once and its KV cache shared by the
 * group's samples, and rows of several groups decode together up to a row budget. Groups join in order as soon as
 * enough rows are free (finished sequences leave at once); when no group waits, free rows are dropped from the
 * batch. A group's responses depend only on its prompt, seed and the model, not on the budget or on which groups
 * share its batch (up to float rounding of batched kernels). Not thread-safe (one per thread).
 */
public final class GroupScheduler {
  private final Qwen2Model model;
  private final int rowBudget;
  private Stats stats = new Stats(0, 0, 0, 0, 0);

  /**
   * Work done by the last {@link #generate} call.
   *
   * @param prefillTokens prompt tokens run through the model (each group's prompt once)
   * @param decodeSteps batched decode steps
   * @param rowSteps rows computed over all decode steps (used or not)
   * @param usedRowSteps rows that held a running sequence
   * @param sequences sequences generated
   */
  public record Stats(long prefillTokens, long decodeSteps, long rowSteps, long usedRowSteps, int sequences) {
    /** Mean share of computed decode rows that held a running sequence. */
    public double occupancy() {
      return rowSteps == 0 ? 1.0 : (double) usedRowSteps / rowSteps;
    }
  }

  /** @param rowBudget most sequences decoded at once; at least the largest group */
  public GroupScheduler(Qwen2Model model, int rowBudget) {
    if (rowBudget <= 0) {
      throw PolicyErrors.badRequest("row budget must be > 0, got " + rowBudget);
    }
    this.model = model;
    this.rowBudget = rowBudget;
  }

  public Stats stats() {
    return stats;
  }

  /**
   * Samples every group, in order. {@code sampling} gives everything but the seed (length, temperature, top-k,
   * top-p, stop tokens and strings, padding); each group brings its own seed.
   *
   * @return per group, its {@code samples} generations in sample order
   */
  public List<List<Generation>> generate(List<GroupRequest> groups, GenerationConfig sampling) {
    if (groups.isEmpty()) {
      return List.of();
    }
    List<int[]> prompts = new ArrayList<>();
    List<SplittableRandom> streams = new ArrayList<>();
    int[] firstSequence = new int[groups.size()];
    int longestPrompt = 0;
    for (int i = 0; i < groups.size(); i++) {
      GroupRequest g = groups.get(i);
      Generator.checkPrompt(i, g.promptIds(), model.config().vocabSize());
      if (g.samples() > rowBudget) {
        throw PolicyErrors.badRequest("group " + i + " has " + g.samples() + " samples, more than the row budget of "
            + rowBudget + "; raise the row budget to at least the group size");
      }
      firstSequence[i] = prompts.size();
      for (int s = 0; s < g.samples(); s++) {
        prompts.add(g.promptIds());
      }
      streams.addAll(List.of(Sampler.streams(g.seed(), g.samples())));
      longestPrompt = Math.max(longestPrompt, g.promptIds().length);
    }
    Sequences seqs = new Sequences(prompts, sampling);
    Sampler sampler = new Sampler(sampling, streams.toArray(new SplittableRandom[0]));
    Run run = new Run(seqs, sampler, sampling.padTokenId());
    try (NDManager m = model.manager().newSubManager();
        RowKvCache cache = model.newRowCache(Math.min(rowBudget, prompts.size()),
            longestPrompt + sampling.maxNewTokens(), m)) {
      run.execute(groups, firstSequence, cache, m);
    }
    stats = new Stats(run.prefillTokens, run.decodeSteps, run.rowSteps, run.usedRowSteps, prompts.size());
    List<Generation> all = seqs.results();
    List<List<Generation>> out = new ArrayList<>(groups.size());
    for (int i = 0; i < groups.size(); i++) {
      out.add(List.copyOf(all.subList(firstSequence[i], firstSequence[i] + groups.get(i).samples())));
    }
    return out;
  }

  /** The scheduling loop of one {@link #generate} call. */
  private final class Run {
    private final Sequences seqs;
    private final Sampler sampler;
    private final int pad;
    private int[] slotSequence;
    private long prefillTokens;
    private long decodeSteps;
    private long rowSteps;
    private long usedRowSteps;

    Run(Sequences seqs, Sampler sampler, int pad) {
      this.seqs = seqs;
      this.sampler = sampler;
      this.pad = pad;
    }

    void execute(List<GroupRequest> groups, int[] firstSequence, RowKvCache cache, NDManager m) {
      slotSequence = new int[cache.slots()];
      Arrays.fill(slotSequence, -1);
      int next = 0;
      while (true) {
        while (next < groups.size() && freeSlots().length >= groups.get(next).samples()) {
          admit(groups.get(next), firstSequence[next], cache, m);
          next++;
        }
        int[] used = usedSlots();
        if (used.length == 0) {
          if (next >= groups.size()) {
            return;
          }
          continue; // every sequence of the admitted groups stopped at its first token
        }
        if (next >= groups.size() && used.length <= slotSequence.length * 3 / 4) {
          compact(used, cache);
          used = usedSlots();
        }
        decode(used, cache, m);
      }
    }

    /** Prefills the group's prompt once, copies its cache into free slots and samples each first token. */
    private void admit(GroupRequest g, int first, RowKvCache cache, NDManager m) {
      int[] prompt = g.promptIds();
      int[] slots = Arrays.copyOf(freeSlots(), g.samples());
      int[] sequences = new int[g.samples()];
      for (int s = 0; s < sequences.length; s++) {
        sequences[s] = first + s;
      }
      try (NDManager pm = m.newSubManager();
          KvCache prefix = model.newCache(1, prompt.length, pm);
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray hidden = model.hiddenStates(pm.create(prompt, new Shape(1, prompt.length)), null, null, prefix);
        NDArray last = model.logits(hidden.get(new NDIndex(":, -1, :")));
        cache.fill(slots, prefix);
        NDArray logits = last.broadcast(new Shape(sequences.length, last.getShape().get(1)));
        seqs.record(sampler.choose(logits, sequences), sequences);
      }
      prefillTokens += prompt.length;
      for (int s = 0; s < slots.length; s++) {
        slotSequence[slots[s]] = sequences[s];
        releaseIfDone(slots[s], cache);
      }
    }

    private void decode(int[] used, RowKvCache cache, NDManager m) {
      int[] ids = new int[slotSequence.length];
      int[] sequences = new int[used.length];
      for (int s = 0; s < ids.length; s++) {
        ids[s] = slotSequence[s] >= 0 ? seqs.lastToken(slotSequence[s]) : pad;
      }
      for (int u = 0; u < used.length; u++) {
        sequences[u] = slotSequence[used[u]];
      }
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray logits = model.decode(m.create(ids), cache);
        if (used.length < ids.length) {
          logits = logits.get(new NDIndex("{}", m.create(Arrays.stream(used).asLongStream().toArray())));
        }
        seqs.record(sampler.choose(logits, sequences), sequences);
      }
      decodeSteps++;
      rowSteps += ids.length;
      usedRowSteps += used.length;
      for (int slot : used) {
        releaseIfDone(slot, cache);
      }
    }

    private void compact(int[] used, RowKvCache cache) {
      cache.keepSlots(used);
      int[] kept = new int[used.length];
      for (int i = 0; i < used.length; i++) {
        kept[i] = slotSequence[used[i]];
      }
      slotSequence = kept;
    }

    private void releaseIfDone(int slot, RowKvCache cache) {
      if (seqs.isDone(slotSequence[slot])) {
        cache.release(slot);
        slotSequence[slot] = -1;
      }
    }

    private int[] freeSlots() {
      return IntStream.range(0, slotSequence.length).filter(s -> slotSequence[s] < 0).toArray();
    }

    private int[] usedSlots() {
      return IntStream.range(0, slotSequence.length).filter(s -> slotSequence[s] >= 0).toArray();
    }
  }
}
