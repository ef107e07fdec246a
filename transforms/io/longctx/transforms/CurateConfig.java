package io.longctx.transforms;

import io.longctx.common.Check;
import java.util.List;

/**
 * The {@code curate} config section.
 *
 * @param buckets ascending prompt-length caps in policy tokens; bucket k holds prompts in (cap_{k-1}, cap_k]
 * @param overlong what to do with prompts over the largest cap: {@code truncate} (middle truncation) or
 *     {@code quarantine}
 */
public record CurateConfig(List<Integer> buckets, String overlong) {

  public static CurateConfig defaults() {
    return new CurateConfig(List.of(512, 1024, 2048), "truncate");
  }

  public void validate() {
    Check.strictlyIncreasing("curate.buckets", buckets);
    Check.oneOf("curate.overlong", overlong, List.of("truncate", "quarantine"));
  }
}
