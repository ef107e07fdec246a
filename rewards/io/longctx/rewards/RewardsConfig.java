package io.longctx.rewards;

import io.longctx.common.Check;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code rewards} config section.
 *
 * @param sourceVerifiers maps a {@code data_source} substring to a verifier name for sources that the
 *     reference routing ({@code docmath}, {@code multihoprag}/{@code musique}, {@code long_toc_choices}) does
 *     not cover
 * @param judgeEnabled whether the LLM judge is asked where the rule verifier fails
 */
public record RewardsConfig(Map<String, String> sourceVerifiers, boolean judgeEnabled) {

  public static RewardsConfig defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String s : new String[] {"frames", "hotpotqa", "2wikimqa", "narrativeqa", "qasper"}) {
      m.put(s, "multihop");
    }
    return new RewardsConfig(m, false);
  }

  public void validate() {
    for (Map.Entry<String, String> e : sourceVerifiers.entrySet()) {
      Check.notBlank("rewards.source-verifiers." + e.getKey(), e.getValue());
    }
  }
}
