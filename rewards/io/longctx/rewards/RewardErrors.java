package io.longctx.rewards;

import java.util.List;

/** The one place where the rewards area builds its user-facing errors (what failed, why, how to fix it). */
public final class RewardErrors {
  private RewardErrors() {}

  public static RewardException unmappedSource(String dataSource) {
    return new RewardException("No rule verifier for data_source '" + dataSource + "': it contains none of "
        + "'long_toc_choices', 'docmath', 'multihoprag', 'musique' and is not in rewards.source-verifiers. "
        + "Map it, e.g. --set rewards.source-verifiers." + safeKey(dataSource) + "=multihop (one of "
        + VerifierKind.configNames() + ").");
  }

  public static RewardException missingColumns(List<String> missing, List<String> present) {
    return new RewardException("Cannot score rollouts: missing column(s) " + missing + "; the DataFrame has "
        + present + ". Rollouts need data_source, response and gold (question and response_tokens are optional).");
  }

  public static RewardException badRow(String what, String reason) {
    return new RewardException("Cannot score " + what + ": " + reason);
  }

  public static RewardException wrongColumnType(String column, String actual, String expected) {
    return new RewardException("Column '" + column + "' has type " + actual + " but " + expected
        + " is needed; cast it before scoring.");
  }

  private static String safeKey(String s) {
    return s == null || s.isBlank() ? "<source>" : s;
  }
}
