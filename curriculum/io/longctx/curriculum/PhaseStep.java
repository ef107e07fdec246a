package io.longctx.curriculum;

/**
 * Where a global step falls in the curriculum.
 *
 * @param phase the phase the step belongs to
 * @param stepInPhase 1-based step within that phase
 * @param globalStep 1-based step over the whole run
 */
public record PhaseStep(CurriculumPhase phase, int stepInPhase, long globalStep) {

  /** Whether this is the first step of its phase (where retrospective carry-over starts). */
  public boolean startsPhase() {
    return stepInPhase == 1;
  }
}
