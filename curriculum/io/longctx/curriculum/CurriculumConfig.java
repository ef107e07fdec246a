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
 */
public record CurriculumConfig(
    long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective, TaskBalance taskBalance) {

  /** Without task balance (the recipe of QwenLong-L1). */
  public CurriculumConfig(long seed, boolean singleStage, List<Phase> phases, Retrospective retrospective) {
    this(seed, singleStage, phases, retrospective, TaskBalance.off());
  }

  /** The modes of {@code curriculum.retrospective.mode}. */
  public static final List<String> MODES = List.of(Retrospective.ZERO_ACCURACY, Retrospective.IMPORTANCE);

  public static CurriculumConfig defaults() {
    return new CurriculumConfig(
        7L,
        false,
        List.of(new Phase("phase-1", 512, 64, 4), new Phase("phase-2", 1024, 64, 4)),
        Retrospective.defaults(),
        TaskBalance.off());
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
