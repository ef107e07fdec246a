package io.longctx.policy.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.longctx.policy.train.internal.Padding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Optimizer steps over batches of rollouts (RL) or examples (SFT). One {@link #step} splits the batch, in order,
 * into mini-batches of {@code miniBatchSize} sequences (one optimizer update each, repeated for {@code epochs}
 * passes, as verl's actor update), and each mini-batch into micro-batches of {@code microBatchSize} sequences
 * whose gradients accumulate. Every micro-batch is normalised by its mini-batch's {@link LossDenominator}, so the
 * accumulated gradient equals that of one pass over the mini-batch. Per update: forward through the
 * {@link ResponseScorer} under a {@code GradientCollector}, loss, backward, global-norm clip, AdamW with the
 * scheduled learning rate, zeroed gradients. Deterministic on CPU for a given initial state.
 *
 * <p>The trainer owns the optimizer (close it when done) but not the parameters. Not thread-safe.
 */
public final class PolicyTrainer implements AutoCloseable {
  private final Map<String, NDArray> params;
  private final ResponseScorer scorer;
  private final PolicyLoss policyLoss;
  private final SftLoss sftLoss;
  private final AdamW optimizer;
  private final LrSchedule schedule;
  private final double maxGradNorm;
  private final int miniBatchSize;
  private final int microBatchSize;
  private final int epochs;
  private final int vocabSize;
  private final boolean computeEntropy;
  private final NDManager manager;
  private final Long seed;
  private long updates;

  private PolicyTrainer(Builder b) {
    this.params = b.params;
    this.scorer = b.scorer;
    this.policyLoss = b.policyLoss;
    this.sftLoss = b.sftLoss;
    this.optimizer = b.optimizer;
    this.schedule = b.schedule;
    this.maxGradNorm = b.maxGradNorm;
    this.miniBatchSize = b.miniBatchSize;
    this.microBatchSize = b.microBatchSize;
    this.epochs = b.epochs;
    this.vocabSize = b.vocabSize;
    this.computeEntropy = b.computeEntropy;
    this.seed = b.seed;
    this.manager = NDManager.newBaseManager(params.values().iterator().next().getDevice());
    params.values().forEach(p -> p.setRequiresGradient(true));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Optimizer updates applied so far (including skipped ones). */
  public long updates() {
    return updates;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /** One RL step: policy-loss updates over the rollouts; returns one stats record per update. */
  public List<UpdateStats> step(List<Rollout> rollouts) {
    for (int i = 0; i < rollouts.size(); i++) {
      rollouts.get(i).validate(i, vocabSize);
    }
    if (rollouts.stream().anyMatch(r -> r.refLogProbs() == null)
        && rollouts.stream().anyMatch(r -> r.refLogProbs() != null)) {
      throw new IllegalArgumentException(
          "Some rollouts carry reference log-probs and some do not: score all or none under the reference policy.");
    }
    if (policyLoss.klCoef() != 0 && rollouts.stream().anyMatch(r -> r.refLogProbs() == null)) {
      throw TrainErrors.missingReference(policyLoss.klCoef());
    }
    List<UpdateStats> out = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      for (int from = 0; from < rollouts.size(); from += miniBatchSize) {
        List<Rollout> mini = rollouts.subList(from, Math.min(rollouts.size(), from + miniBatchSize));
        out.add(update(mini.stream().map(r -> new Item(r.promptIds(), r.responseIds(), r)).toList()));
      }
    }
    return out;
  }

  /** One SFT step: response-NLL updates over the examples; returns one stats record per update. */
  public List<UpdateStats> sftStep(List<SftExample> examples) {
    for (int i = 0; i < examples.size(); i++) {
      SftExample.validateTokens(i, examples.get(i).promptIds(), examples.get(i).responseIds(), vocabSize);
    }
    List<UpdateStats> out = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      for (int from = 0; from < examples.size(); from += miniBatchSize) {
        List<SftExample> mini = examples.subList(from, Math.min(examples.size(), from + miniBatchSize));
        out.add(update(mini.stream().map(x -> new Item(x.promptIds(), x.responseIds(), null)).toList()));
      }
    }
    return out;
  }

  /** A sequence to train on; {@code rollout} is null for SFT. */
  private record Item(int[] prompt, int[] response, Rollout rollout) {}

  private UpdateStats update(List<Item> mini) {
    long start = System.nanoTime();
    if (seed != null) {
      Engine.getInstance().setRandomSeed(updateSeed(seed, updates));
    }
    int[] lengths = mini.stream().mapToInt(i -> i.response().length).toArray();
    LossDenominator denominator = LossDenominator.ofLengths(lengths);
    LossStats stats = LossStats.EMPTY;
    for (int from = 0; from < mini.size(); from += microBatchSize) {
      List<Item> micro = mini.subList(from, Math.min(mini.size(), from + microBatchSize));
      stats = stats.plus(forwardBackward(micro, denominator));
    }
    double lr = schedule.at(updates);
    double norm;
    boolean skipped;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Map<String, NDArray> grads = new LinkedHashMap<>();
      params.forEach((name, p) -> grads.put(name, p.getGradient()));
      norm = GradientClipping.clipGlobalNorm(grads.values(), maxGradNorm);
      skipped = !Double.isFinite(norm);
      if (!skipped) {
        optimizer.step(params, grads, lr);
      }
    }
    params.values().forEach(Gradients::zero);
    long update = updates++;
    return new UpdateStats(update, lr, stats.loss(), norm, stats.entropy(), stats.clipFraction(), stats.approxKl(),
        stats.kl(), stats.tokens(), mini.size(), skipped, (System.nanoTime() - start) / 1e9);
  }

  private LossStats forwardBackward(List<Item> micro, LossDenominator denominator) {
    boolean sft = micro.get(0).rollout() == null;
    List<int[]> prompts = micro.stream().map(Item::prompt).toList();
    List<int[]> responses = micro.stream().map(Item::response).toList();
    int t = Padding.maxLength(responses);
    Shape shape = new Shape(micro.size(), t);
    try (NDScope scope = new NDScope();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      scope.suppressNotUsedWarning();
      boolean entropy = computeEntropy || (!sft && policyLoss.needsEntropy());
      ResponseScorer.Scored scored = scorer.score(manager, prompts, responses, entropy);
      Aggregation.requireShape("scored logProbs", scored.logProbs(), shape);
      NDArray mask = manager.create(Padding.mask(responses.stream().mapToInt(r -> r.length).toArray(), t), shape);
      LossResult r;
      if (sft) {
        r = sftLoss.compute(scored.logProbs(), mask, scored.entropy(), denominator);
      } else {
        List<Rollout> rs = micro.stream().map(Item::rollout).toList();
        NDArray old = manager.create(Padding.floats(rs.stream().map(Rollout::oldLogProbs).toList(), t), shape);
        float[] adv = new float[rs.size()];
        for (int i = 0; i < adv.length; i++) {
          adv[i] = rs.get(i).advantage();
        }
        NDArray ref = rs.get(0).refLogProbs() == null ? null
            : manager.create(Padding.floats(rs.stream().map(Rollout::refLogProbs).toList(), t), shape);
        NDArray pgWeights = rs.stream().allMatch(x -> x.pgWeights() == null) ? null
            : manager.create(Padding.floats(rs.stream().map(PolicyTrainer::pgWeights).toList(), t), shape);
        r = policyLoss.compute(new PolicyLossInput(scored.logProbs(), old, manager.create(adv), mask,
            scored.entropy(), ref, pgWeights), denominator);
      }
      gc.backward(r.loss());
      return r.stats();
    }
  }

  private static float[] pgWeights(Rollout r) {
    if (r.pgWeights() != null) {
      return r.pgWeights();
    }
    float[] ones = new float[r.responseIds().length];
    java.util.Arrays.fill(ones, 1f);
    return ones;
  }

  /** The engine seed of update {@code update}: a mix of both, so neighbouring updates draw unrelated masks. */
  static int updateSeed(long seed, long update) {
    long h = seed * 0x9E3779B97F4A7C15L + update * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    return (int) (h ^ (h >>> 33)) & Integer.MAX_VALUE;
  }

  /** Saves the optimizer state and the update counter (the LR schedule position) for resuming. */
  public void saveState(Path file) throws IOException {
    optimizer.save(file);
  }

  /** Restores what {@link #saveState} wrote; the update counter resumes from the optimizer's step count. */
  public void loadState(Path file) {
    optimizer.load(file, params);
    updates = optimizer.stepCount();
  }

  @Override
  public void close() {
    params.values().forEach(Gradients::zero);
    optimizer.close();
    manager.close();
  }

  /** Builder: parameters and scorer are required ({@code set...}); the rest default to {@link OptimConfig}. */
  public static final class Builder {
    private Map<String, NDArray> params;
    private ResponseScorer scorer;
    private PolicyLoss policyLoss;
    private SftLoss sftLoss;
    private AdamW optimizer;
    private LrSchedule schedule;
    private double maxGradNorm;
    private int miniBatchSize;
    private int microBatchSize;
    private int epochs;
    private int vocabSize;
    private boolean computeEntropy = true;
    private OptimConfig optimizerConfig;
    private Long seed;

    private Builder() {
      optConfig(OptimConfig.defaults());
    }

    /** The trainable parameters by name (e.g. the model's HF-named tensors); updated in place. */
    public Builder setParameters(Map<String, NDArray> parameters) {
      this.params = parameters;
      return this;
    }

    public Builder setScorer(ResponseScorer s) {
      this.scorer = s;
      return this;
    }

    /** Takes loss, optimizer, schedule, clipping and batch sizes from a validated config section. */
    public Builder optConfig(OptimConfig c) {
      this.policyLoss = c.policyLoss();
      this.sftLoss = c.sftLoss();
      this.schedule = c.lrSchedule();
      this.maxGradNorm = c.maxGradNorm();
      this.miniBatchSize = c.miniBatchSize();
      this.microBatchSize = c.microBatchSize();
      this.epochs = c.epochs();
      this.optimizerConfig = c;
      return this;
    }

    public Builder optPolicyLoss(PolicyLoss l) {
      this.policyLoss = l;
      return this;
    }

    public Builder optSftLoss(SftLoss l) {
      this.sftLoss = l;
      return this;
    }

    /** The optimizer (default: a fresh AdamW from the config); the trainer closes it. */
    public Builder optOptimizer(AdamW o) {
      this.optimizer = o;
      return this;
    }

    public Builder optSchedule(LrSchedule s) {
      this.schedule = s;
      return this;
    }

    public Builder optMaxGradNorm(double v) {
      this.maxGradNorm = TrainErrors.requireRange("max-grad-norm", v, Double.MIN_VALUE, Double.MAX_VALUE);
      return this;
    }

    /** Sequences per optimizer update and per forward/backward pass. */
    public Builder optBatchSizes(int miniBatch, int microBatch) {
      TrainErrors.requireRange("mini-batch-size", miniBatch, 1, Integer.MAX_VALUE);
      TrainErrors.requireRange("micro-batch-size", microBatch, 1, miniBatch);
      this.miniBatchSize = miniBatch;
      this.microBatchSize = microBatch;
      return this;
    }

    public Builder optEpochs(int v) {
      this.epochs = (int) TrainErrors.requireRange("epochs", v, 1, 1000);
      return this;
    }

    /** Vocabulary size for token-id validation (0 = unchecked). */
    public Builder optVocabSize(int v) {
      this.vocabSize = v;
      return this;
    }

    /** Whether to compute the per-token entropy for the statistics (default true). */
    public Builder optComputeEntropy(boolean v) {
      this.computeEntropy = v;
      return this;
    }

    /**
     * Seeds the engine's random generator at the start of every update from (seed, update index), so stochastic
     * layers of the forward pass (LoRA dropout) draw the same masks in a run resumed from a checkpoint. Unset (the
     * default), the generator is left alone.
     */
    public Builder optSeed(long s) {
      this.seed = s;
      return this;
    }

    public PolicyTrainer build() {
      Objects.requireNonNull(params, "setParameters(...) is required");
      Objects.requireNonNull(scorer, "setScorer(...) is required");
      if (params.isEmpty()) {
        throw new IllegalArgumentException("The trainer needs at least one parameter to train.");
      }
      if (optimizer == null) {
        optimizer = optimizerConfig.newAdamW();
      }
      return new PolicyTrainer(this);
    }
  }
}
