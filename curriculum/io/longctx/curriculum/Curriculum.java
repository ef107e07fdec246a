package io.longctx.curriculum;

import java.util.ArrayList;
import java.util.List;

/**
 * The phase schedule of a run (progressive context scaling): an ordered list of {@link CurriculumPhase}s and
 * the mapping from a 1-based global step to (phase, step in phase). With {@code single-stage} (the
 * no-curriculum ablation) there is one phase over every prompt up to the last cap, with the same total steps
 * and the largest response budget. Immutable and cheap; build it once per job with {@link #of}.
 */
public final class Curriculum {
  private final List<CurriculumPhase> phases;
  private final boolean singleStage;

  private Curriculum(List<CurriculumPhase> phases, boolean singleStage) {
    this.phases = List.copyOf(phases);
    this.singleStage = singleStage;
  }

  /** Builds the schedule from a config section, validating it first. */
  public static Curriculum of(CurriculumConfig config) {
    config.validate();
    List<CurriculumConfig.Phase> cfg = config.phases();
    List<CurriculumPhase> out = new ArrayList<>();
    if (config.singleStage()) {
      int steps = 0;
      int maxResponse = 0;
      for (CurriculumConfig.Phase p : cfg) {
        steps = Math.addExact(steps, p.steps());
        maxResponse = Math.max(maxResponse, p.maxResponseTokens());
      }
      int cap = cfg.get(cfg.size() - 1).maxInputTokens();
      out.add(new CurriculumPhase(1, "single-stage", 0, cap, maxResponse, steps, 1));
    } else {
      int prevCap = 0;
      long first = 1;
      for (int i = 0; i < cfg.size(); i++) {
        CurriculumConfig.Phase p = cfg.get(i);
        int lower = p.minInputTokens() != null ? p.minInputTokens() : prevCap;
        out.add(new CurriculumPhase(
            i + 1, p.name(), lower, p.maxInputTokens(), p.maxResponseTokens(), p.steps(), first));
        prevCap = p.maxInputTokens();
        first += p.steps();
      }
    }
    return new Curriculum(out, config.singleStage());
  }

  public List<CurriculumPhase> phases() {
    return phases;
  }

  public boolean singleStage() {
    return singleStage;
  }

  /** Total RL steps over all phases. */
  public long totalSteps() {
    return phases.get(phases.size() - 1).lastStep();
  }

  /** The phase with this 1-based number. */
  public CurriculumPhase phase(int number) {
    if (number < 1 || number > phases.size()) {
      throw CurriculumErrors.noSuchPhase(number, phases.size());
    }
    return phases.get(number - 1);
  }

  /** Maps a 1-based global step to its phase and step in phase. */
  public PhaseStep at(long globalStep) {
    for (CurriculumPhase p : phases) {
      if (p.covers(globalStep)) {
        return new PhaseStep(p, (int) (globalStep - p.firstStep() + 1), globalStep);
      }
    }
    throw CurriculumErrors.stepOutOfRange(globalStep, totalSteps());
  }

  /** The phase whose pool holds prompts of this length, or null when it exceeds the last cap. */
  public CurriculumPhase phaseForPromptTokens(int promptTokens) {
    for (CurriculumPhase p : phases) {
      if (p.accepts(promptTokens)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Curriculum" + phases;
  }
}
