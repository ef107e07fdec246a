package io.longctx.curriculum;

/**
 * One phase of the curriculum as the training job sees it: it trains on prompts whose token length is in
 * {@code (minExclusiveTokens, maxInputTokens]} for {@code steps} global steps, {@code firstStep..lastStep}.
 * Phases and steps are numbered from 1, as in the paper (phase 1 = 20K, phase 2 = 60K).
 *
 * @param number 1-based phase number; the ledger's {@code phase_first_seen}/{@code phase_last_seen} use it
 * @param name the configured name (or {@code single-stage})
 * @param minExclusiveTokens the exclusive lower bound: the previous phase's cap (0 for the first phase) unless the phase
 *     sets {@code min-input-tokens}
 * @param maxInputTokens this phase's cap L_k (inclusive)
 * @param maxResponseTokens generation budget for rollouts in this phase
 * @param steps number of RL steps in this phase
 * @param firstStep the 1-based global step at which this phase starts
 */
public record CurriculumPhase(
    int number,
    String name,
    int minExclusiveTokens,
    int maxInputTokens,
    int maxResponseTokens,
    int steps,
    long firstStep) {

  /** The last global step of this phase (inclusive). */
  public long lastStep() {
    return firstStep + steps - 1;
  }

  /** Whether a prompt of this many tokens belongs to this phase's pool. */
  public boolean accepts(int promptTokens) {
    return promptTokens > minExclusiveTokens && promptTokens <= maxInputTokens;
  }

  /** Whether a 1-based global step falls in this phase. */
  public boolean covers(long globalStep) {
    return globalStep >= firstStep && globalStep <= lastStep();
  }
}
