package io.longctx.curriculum;

import java.util.List;

/** The one place the curriculum area's user-facing error messages are written (what, why, how to fix). */
final class CurriculumErrors {
  private CurriculumErrors() {}

  static CurriculumException stepOutOfRange(long step, long total) {
    return new CurriculumException(
        "Step " + step + " is outside the curriculum: steps are numbered 1.." + total
            + " (the sum of curriculum.phases[*].steps). Add steps to a phase or stop the run at step " + total + ".");
  }

  static CurriculumException noSuchPhase(int number, int count) {
    return new CurriculumException(
        "Phase " + number + " does not exist: phases are numbered 1.." + count + " in the order of curriculum.phases.");
  }

  static CurriculumException notADeltaTable(String what, String path) {
    return new CurriculumException(
        "Cannot read the " + what + " table at " + path + ": it is not a Delta table."
            + " Run 'longctx curate' first or check --warehouse.");
  }

  static CurriculumException missingColumns(String what, String path, List<String> missing, List<String> present) {
    return new CurriculumException(
        "The " + what + " at " + path + " lacks column(s) " + missing + " (it has " + present + ")."
            + " It must be written by 'longctx curate' (samples) or carry the documented columns.");
  }

  static CurriculumException emptyPhasePool(CurriculumPhase phase, String path, long version) {
    return new CurriculumException(
        "Phase " + phase.number() + " ('" + phase.name() + "') has no samples with prompt_tokens in ("
            + phase.minExclusiveTokens() + ", " + phase.maxInputTokens() + "] in " + path + " (version " + version
            + "). Align curriculum.phases[*].max-input-tokens with curate.buckets, or curate longer/shorter prompts.");
  }

  static CurriculumException noBalancedTask(
      CurriculumPhase phase, java.util.Collection<String> poolTasks, java.util.Collection<String> named) {
    return new CurriculumException(
        "Phase " + phase.number() + " ('" + phase.name() + "'): curriculum.task-balance.shares names "
            + new java.util.TreeSet<>(named) + " but the phase pool's tasks (data_source) are "
            + new java.util.TreeSet<>(poolTasks) + "; give at least one of them a weight > 0, or leave shares empty"
            + " for equal shares.");
  }

  static CurriculumException badBatchSize(int batchSize) {
    return new CurriculumException("Batch size must be > 0, got " + batchSize + ". Set train.batch-size.");
  }

  static CurriculumException badStepStat(String sampleId, String reason) {
    return new CurriculumException(
        "Cannot merge step statistics into the hard-sample ledger: sample '" + sampleId + "' " + reason
            + ". Step statistics need one row per sample with mean_reward in [0, 1] (group mean accuracy) and"
            + " responses > 0.");
  }

  static CurriculumException badArgument(String name, String reason) {
    return new CurriculumException("Invalid " + name + ": " + reason + ".");
  }

  static CurriculumException versionNotFound(String what, String path, long version, Throwable cause) {
    return new CurriculumException(
        "Cannot read version " + version + " of the " + what + " table at " + path
            + " for replay: " + cause.getMessage()
            + ". Delta keeps old versions until VACUUM / log retention removes them.",
        cause);
  }

  static CurriculumException filteredPhasePool(CurriculumPhase phase, CurriculumConfig.PassRateFilter filter,
      String policy, String path, long version) {
    return new CurriculumException(
        "Phase " + phase.number() + " ('" + phase.name() + "') has no samples left after the pass-rate filter: none"
            + " with prompt_tokens in (" + phase.minExclusiveTokens() + ", " + phase.maxInputTokens() + "] has a pass"
            + " rate in " + filter.band() + " under policy " + policy + " in " + path + " (version " + version
            + ")" + (filter.keepUnscored() ? "" : " and unscored samples are dropped (keep-unscored: false)")
            + ". Widen curriculum.pass-rate-filter.min/max, or disable it.");
  }

  static CurriculumException noDifficultyRows(String policy, String path) {
    return new CurriculumException(
        "curriculum.pass-rate-filter is enabled but " + path + " has no sample_difficulty rows for the start policy "
            + policy + ". Run 'longctx difficulty --from " + policy + "' first (bin/longctx run does it after SFT),"
            + " or set curriculum.pass-rate-filter.enabled=false.");
  }
}
