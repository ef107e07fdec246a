package io.longctx.curriculum;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.List;

/**
 * The {@code curriculum} config section: RL phases with growing input-length caps (progressive context
 * scaling) and retrospective sampling of hard samples.
 *
 * @param seed seeds every batch choice: the same seed and step always pick the same samples
 * @param singleStage ablation switch: no curriculum, one phase over every prompt up to the last cap, with the
 *     same total number of steps as the phases together
 * @param phases phase k trains on prompts whose token length is in (cap_{k-1}, cap_k], or in
 *     (min-input-tokens, cap_k] when the phase sets a lower bound of its own (at least cap_{k-1})
 * @param retrospective how hard samples from earlier phases re-enter later batches
 * @param taskBalance equal (or configured) shares of every batch per task (QwenLong-L1.5's task-balanced sampling)
 * @param passRateFilter drops samples whose pass rate under the start policy ({@code sample_difficulty}) is outside
 *     a band from the phase pools before batches are drawn
 */
public record CurriculumConfig(
    long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective, TaskBalance taskBalance,
    PassRateFilter passRateFilter) {

  /** Without task balance (the recipe of QwenLong-L1) and without the pass-rate filter. */
  public CurriculumConfig(long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective) {
    this(seed, singleStage, phases, retrospective, TaskBalance.off(), PassRateFilter.defaults());
  }

  /** Without the pass-rate filter. */
  public CurriculumConfig(
      long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective, TaskBalance taskBalance) {
    this(seed, singleStage, phases, retrospective, taskBalance, PassRateFilter.defaults());
  }

  /** Without task balance. */
  public CurriculumConfig(
      long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective, PassRateFilter passRateFilter) {
    this(seed, singleStage, phases, retrospective, TaskBalance.off(), passRateFilter);
  }

  /** The modes of {@code curriculum.retrospective.mode}. */
  public static final List<String> MODES = List.of(Retrospective.ZERO_ACCURACY, Retrospective.IMPORTANCE);

  public static CurriculumConfig defaults() {
    return new CurriculumConfig(
        7L,
        false,
        List.of(new Phase("phase-1", 512, 64, 4), new Phase("phase-2", 1024, 64, 4)),
        Retrospective.defaults(),
        TaskBalance.off(),
        PassRateFilter.defaults());
  }

  public void validate() {
    if (phases == null || phases.isEmpty()) {
      throw new ConfigException("curriculum.phases", "must list at least one phase");
    }
    int prev = 0;
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      String k = "curriculum.phases[" + i + "]";
      if (p == null) {
        throw new ConfigException(
            k, "must be a mapping with name, max-input-tokens, max-response-tokens, steps");
      }
      Check.notBlank(k + ".name", p.name());
      Check.positive(k + ".max-input-tokens", p.maxInputTokens());
      Check.positive(k + ".max-response-tokens", p.maxResponseTokens());
      Check.positive(k + ".steps", p.steps());
      if (p.maxInputTokens() <= prev) {
        throw new ConfigException(
            k + ".max-input-tokens", "must be greater than the previous phase's cap " + prev + ", got " + p.maxInputTokens());
      }
      if (p.minInputTokens() != null && (p.minInputTokens() < prev || p.minInputTokens() >= p.maxInputTokens())) {
        throw new ConfigException(k + ".min-input-tokens", "must be in [" + prev + ", " + p.maxInputTokens()
            + ") (the previous phase's cap up to this phase's), got " + p.minInputTokens());
      }
      prev = p.maxInputTokens();
    }
    if (retrospective == null) {
      throw new ConfigException("curriculum.retrospective", "must be a mapping (enabled, mode, share, max-weight)");
    }
    retrospective.validate();
    if (taskBalance == null) {
      throw new ConfigException("curriculum.task-balance", "must be a mapping (enabled, shares)");
    }
    taskBalance.validate();
    if (passRateFilter == null) {
      throw new ConfigException("curriculum.pass-rate-filter",
          "must be a mapping (enabled, min, max, keep-unscored, seed-ledger, k, all-samples)");
    }
    passRateFilter.validate();
  }

  /**
   * The {@code curriculum.pass-rate-filter} section (QwenLong-L1.5's difficulty filtering before RL). The start
   * policy scores every sample k times ({@code longctx difficulty}, table {@code sample_difficulty}); a phase pool
   * keeps a sample when {@code min <= pass_rate < max}: {@code min} is inclusive, {@code max} exclusive. So the
   * default band [0, 1) drops only samples the start policy always solves (an all-correct group has zero advantage
   * and teaches nothing); {@code min} above 0 (e.g. 0.01) also drops the never-solved ones, and {@code max} above 1
   * keeps the all-correct ones.
   *
   * @param enabled off by default: pools are the whole length range, as in L1
   * @param min inclusive lower bound of the kept pass rates, in [0, 1]
   * @param max exclusive upper bound of the kept pass rates, greater than {@code min}
   * @param keepUnscored whether a sample without a difficulty row for the start policy (e.g. curated after the
   *     scoring) stays in the pool (default) or is dropped
   * @param seedLedger whether the run's hard-sample ledger starts from the pass rates (one attempt of k responses at
   *     step 0, so retrospective sampling can pick samples the start policy never solves from the first transition);
   *     applies only when the filter is enabled
   * @param k responses per sample when scoring (the group size of the difficulty job)
   * @param allSamples whether the difficulty job scores every curated sample instead of those within the RL phases'
   *     prompt lengths
   */
  public record PassRateFilter(
      boolean enabled, double min, double max, boolean keepUnscored, boolean seedLedger, int k,
      boolean allSamples) {
    public static PassRateFilter defaults() {
      return new PassRateFilter(false, 0.0, 1.0, true, true, 8, false);
    }

    /** Whether a pass rate is inside the band. */
    public boolean keeps(double passRate) {
      return passRate >= min && passRate < max;
    }

    /** The band as {@code [min, max)}, for messages. */
    public String band() {
      return "[" + min + ", " + max + ")";
    }

    public void validate() {
      if (!(min >= 0 && min <= 1)) {
        throw new ConfigException("curriculum.pass-rate-filter.min", "must be in [0, 1] (inclusive), got " + min);
      }
      if (!(max > min) || Double.isInfinite(max)) {
        throw new ConfigException("curriculum.pass-rate-filter.max",
            "must be a finite number greater than min " + min + " (exclusive bound), got " + max);
      }
      Check.positive("curriculum.pass-rate-filter.k", k);
    }
  }

  /**
   * One curriculum phase.
   *
   * @param minInputTokens exclusive lower bound of the phase's prompt lengths; null = the previous phase's cap (0 for
   *     the first phase). A first phase can skip the lengths warm-up SFT already covers
   */
  public record Phase(String name, int maxInputTokens, int maxResponseTokens, int steps, Integer minInputTokens) {
    public Phase(String name, int maxInputTokens, int maxResponseTokens, int steps) {
      this(name, maxInputTokens, maxResponseTokens, steps, null);
    }
  }

  /**
   * The {@code curriculum.retrospective} section.
   *
   * @param enabled false is the "no retrospective sampling" ablation: every batch is fresh
   * @param mode {@code zero-accuracy} (the paper's rule: carry over earlier-phase samples whose last mean
   *     accuracy was 0, picked uniformly) or {@code importance} (every earlier-phase sample, picked with
   *     probability proportional to its difficulty 1/mean-reward)
   * @param share fraction of each batch filled by retrospective picks, in [0, 1)
   * @param maxWeight the sampling weight given to infinite difficulty (mean reward 0) and the cap on every
   *     weight in {@code importance} mode; at least 1, since difficulty 1/mean-reward is at least 1
   */
  public record Retrospective(boolean enabled, String mode, double share, double maxWeight) {
    public static final String ZERO_ACCURACY = "zero-accuracy";
    public static final String IMPORTANCE = "importance";

    public static Retrospective defaults() {
      return new Retrospective(true, ZERO_ACCURACY, 0.25, 10.0);
    }

    public void validate() {
      Check.oneOf("curriculum.retrospective.mode", mode, MODES);
      if (!(share >= 0 && share < 1)) {
        throw new ConfigException("curriculum.retrospective.share", "must be in [0, 1), got " + share);
      }
      if (!(maxWeight >= 1) || Double.isInfinite(maxWeight)) {
        throw new ConfigException(
            "curriculum.retrospective.max-weight",
            "must be a finite number >= 1 (difficulty is >= 1), got " + maxWeight);
      }
    }
  }

  /**
   * The {@code curriculum.task-balance} section (QwenLong-L1.5's task-balanced sampling): each batch, retrospective
   * picks included, takes a fixed share per task ({@code data_source}) of the phase pool.
   *
   * @param enabled false draws every batch from the whole phase pool (the QwenLong-L1 recipe)
   * @param shares task -> relative weight; empty gives every task of the phase pool an equal share. A task the
   *     map does not name gets no share; weights need not sum to 1
   */
  public record TaskBalance(boolean enabled, java.util.Map<String, Double> shares) {
    public static TaskBalance off() {
      return new TaskBalance(false, java.util.Map.of());
    }

    public TaskBalance {
      shares = shares == null ? java.util.Map.of() : java.util.Map.copyOf(shares);
    }

    public void validate() {
      for (java.util.Map.Entry<String, Double> e : shares.entrySet()) {
        if (e.getValue() == null || !(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
          throw new ConfigException("curriculum.task-balance.shares." + e.getKey(),
              "must be a finite weight >= 0, got " + e.getValue());
        }
      }
      if (enabled && !shares.isEmpty() && shares.values().stream().allMatch(v -> v == 0)) {
        throw new ConfigException("curriculum.task-balance.shares", "gives every task weight 0");
      }
    }
  }
}
