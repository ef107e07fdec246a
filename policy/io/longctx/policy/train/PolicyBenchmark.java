package io.longctx.policy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.Generator;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.model.KvCache;
import io.longctx.policy.model.Qwen2Model;
import io.longctx.policy.train.internal.ProcessMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Throughput and memory measurements of a Qwen2 model on the current device: prefill, batched decoding with the
 * KV cache, a full optimizer step (forward, backward, clip, AdamW), the fp32 matmul rate of the machine for
 * reference, and peak native memory of a prefill. Token ids are drawn from a seeded RNG; timings are medians
 * over repetitions after one warm-up run.
 */
public final class PolicyBenchmark {
  private final Qwen2Model model;
  private final String label;
  private final FlopCount flops;
  private final Random rnd = new Random(17);

  /**
   * One measurement.
   *
   * @param model label of the benchmarked model
   * @param metric {@code matmul}, {@code prefill}, {@code decode}, {@code group-rollout} (shared prefill),
   *     {@code group-rollout-per-row} (every row prefilled), {@code optimizer-step}, {@code prefill-memory} or
   *     {@code optimizer-step-memory}
   * @param shape what was run, e.g. {@code 1x4096} (batch x tokens)
   * @param tokens tokens processed per timed run
   * @param seconds median wall time of one timed run
   * @param gflop matmul GFLOP of one run (0 for memory)
   * @param peakBytes peak resident-set growth during the run (memory metric), else -1
   */
  public record Measurement(
      String model, String metric, String shape, long tokens, double seconds, double gflop, long peakBytes) {
    public double tokensPerSecond() {
      return tokens / seconds;
    }

    public double gflopPerSecond() {
      return gflop / seconds;
    }
  }

  public PolicyBenchmark(Qwen2Model model, String label) {
    this.model = model;
    this.label = label;
    this.flops = FlopCount.of(model.config());
  }

  /** The machine's fp32 matmul rate: median of {@code reps} products of two n x n matrices. */
  public static Measurement matmul(int n, int reps) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.randomNormal(new Shape(n, n));
      NDArray b = m.randomNormal(new Shape(n, n));
      double sec = median(reps, () -> {
        try (NDArray c = a.matMul(b)) {
          c.getFloat(0, 0);
        }
      });
      return new Measurement("-", "matmul", n + "x" + n, 0, sec, 2.0 * n * n * n / 1e9, -1);
    }
  }

  /** Prefill of one sequence of {@code length} tokens (logits at every position, no cache). */
  public Measurement prefill(int length, int reps) {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray ids = randomIds(m, 1, length);
      double sec = median(reps, () -> {
        try (NDArray logits = model.forward(ids)) {
          logits.getFloat(0, length - 1, 0);
        }
      });
      return new Measurement(label, "prefill", "1x" + length, length, sec, flops.prefill(length) / 1e9, -1);
    }
  }

  /**
   * Greedy decoding of {@code steps} tokens for {@code batch} sequences after a {@code prompt}-token prefill; only
   * the decode steps are timed (forward with the KV cache, argmax, copy of the next ids to the host).
   */
  public Measurement decode(int batch, int prompt, int steps, int reps) {
    double[] gflop = {0};
    for (int s = 0; s < steps; s++) {
      gflop[0] += batch * flops.decodeToken(prompt + s) / 1e9;
    }
    double sec = median(reps, () -> {
      try (NDManager m = model.manager().newSubManager();
          KvCache cache = model.newCache(batch, prompt + steps, m)) {
        int[] next = model.forward(randomIds(m, batch, prompt), null, null, cache)
            .get(":, -1, :").argMax(1).toType(DataType.INT32, false).toIntArray();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          try (NDManager step = m.newSubManager()) {
            NDArray logits = model.forward(step.create(next, new Shape(batch, 1)), null, null, cache);
            // a generator inspects the new ids on the host every step (stop tokens, stop strings)
            next = logits.get(":, 0, :").argMax(1).toType(DataType.INT32, false).toIntArray();
          }
        }
        return (System.nanoTime() - t0) / 1e9;
      }
    });
    return new Measurement(label, "decode", batch + "x" + steps + "@" + prompt, (long) batch * steps, sec,
        gflop[0], -1);
  }

  /**
   * One RL group: {@code group} samples of {@code newTokens} tokens (no stop token, T = 0.7, top-p 0.95) after one
   * {@code prompt}-token prompt. {@code shared}: the {@link GroupScheduler} (the prompt prefilled once, its cache
   * shared by the samples); otherwise the {@link Generator} over {@code group} copies of the prompt (each row
   * prefilled). Tokens = generated tokens.
   */
  public Measurement groupRollout(int prompt, int group, int newTokens, boolean shared, int reps) {
    int[] promptIds = ids(prompt);
    GenerationConfig sampling = GenerationConfig.builder().setMaxNewTokens(newTokens).optTemperature(0.7)
        .optTopP(0.95).optSeed(5).build();
    double gflop = (shared ? flops.prefill(prompt) : group * flops.prefill(prompt)) / 1e9;
    for (int s = 0; s < newTokens - 1; s++) {
      gflop += group * flops.decodeToken(prompt + s) / 1e9;
    }
    double sec = median(reps, () -> {
      if (shared) {
        new GroupScheduler(model, group).generate(List.of(new GroupRequest(promptIds, group, 5)), sampling);
      } else {
        new Generator(model).generate(java.util.Collections.nCopies(group, promptIds), sampling);
      }
    });
    return new Measurement(label, shared ? "group-rollout" : "group-rollout-per-row",
        group + "x" + newTokens + "@" + prompt, (long) group * newTokens, sec, gflop, -1);
  }

  /**
   * One optimizer step over {@code sequences} sequences of {@code length} tokens (half prompt, half response) in
   * a single mini-batch split into micro-batches of {@code microBatch}: forward, backward, clip, AdamW.
   */
  public Measurement optimizerStep(int sequences, int length, int microBatch, int reps) {
    int response = length / 2;
    List<Rollout> batch = new ArrayList<>();
    for (int i = 0; i < sequences; i++) {
      float[] old = new float[response];
      Arrays.fill(old, (float) -Math.log(model.config().vocabSize()));
      batch.add(Rollout.of(ids(length - response), ids(response), old, (float) rnd.nextGaussian()));
    }
    double gflop = sequences * flops.trainSequence(length, response) / 1e9;
    try (PolicyTrainer trainer = PolicyTrainer.builder()
        .setParameters(model.parameters())
        .setScorer(new ModelResponseScorer(model))
        .optSchedule(LrSchedule.constant(1e-6))
        .optBatchSizes(sequences, microBatch)
        .optComputeEntropy(false)
        .build()) {
      double sec = median(reps, () -> trainer.step(batch));
      return new Measurement(label, "optimizer-step", sequences + "x" + length, (long) sequences * length, sec,
          gflop, -1);
    }
  }

  /**
   * Peak resident-memory growth of one optimizer step over one sequence of {@code length} tokens (half prompt, half
   * response; forward, backward, clip, AdamW; runs once after a short warm-up that creates the optimizer state).
   */
  public Measurement optimizerStepMemory(int length) {
    int response = length / 2;
    float[] old = new float[response];
    Arrays.fill(old, (float) -Math.log(model.config().vocabSize()));
    List<Rollout> batch = List.of(Rollout.of(ids(length - response), ids(response), old, 1f));
    List<Rollout> warm = List.of(Rollout.of(ids(8), ids(8), Arrays.copyOf(old, 8), 1f));
    try (PolicyTrainer trainer = PolicyTrainer.builder()
        .setParameters(model.parameters())
        .setScorer(new ModelResponseScorer(model))
        .optSchedule(LrSchedule.constant(1e-6))
        .optBatchSizes(1, 1)
        .optComputeEntropy(false)
        .build()) {
      trainer.step(warm);
      long base = ProcessMemory.resetPeak();
      long t0 = System.nanoTime();
      trainer.step(batch);
      double sec = (System.nanoTime() - t0) / 1e9;
      long peak = ProcessMemory.peakResident() - base;
      return new Measurement(label, "optimizer-step-memory", "1x" + length, length, sec,
          flops.trainSequence(length, response) / 1e9, peak);
    }
  }

  /** Peak resident-memory growth of one prefill of {@code length} tokens (runs once, no warm-up). */
  public Measurement prefillMemory(int length) {
    try (NDManager m = model.manager().newSubManager()) {
      NDArray ids = randomIds(m, 1, length);
      long base = ProcessMemory.resetPeak();
      long t0 = System.nanoTime();
      try (NDArray logits = model.forward(ids)) {
        logits.getFloat(0, length - 1, 0);
      }
      double sec = (System.nanoTime() - t0) / 1e9;
      long peak = ProcessMemory.peakResident() - base;
      return new Measurement(label, "prefill-memory", "1x" + length, length, sec, flops.prefill(length) / 1e9, peak);
    }
  }

  private NDArray randomIds(NDManager m, int batch, int length) {
    return m.create(ids(batch * length), new Shape(batch, length));
  }

  private int[] ids(int n) {
    return rnd.ints(n, 0, model.config().vocabSize()).toArray();
  }

  /** A timed body: either returns its own duration in seconds, or null to be timed as a whole. */
  @FunctionalInterface
  private interface Body {
    Object run() throws RuntimeException;
  }

  private static double median(int reps, Runnable r) {
    return median(reps, () -> {
      r.run();
      return null;
    });
  }

  private static double median(int reps, Body body) {
    body.run(); // warm-up
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      Object own = body.run();
      t[i] = own instanceof Double d ? d : (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(t);
    return t[reps / 2];
  }
}
