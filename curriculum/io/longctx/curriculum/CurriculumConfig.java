package io.longctx.curriculum;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import java.util.List;

/**
 * The {@code curriculum} config section: RL phases with growing input-length caps (progressive context
 * scaling) and retrospective sampling of hard samples.
 *
 * @param phases phase k trains on prompts whose token length is in (cap_{k-1}, cap_k]
 */
public record CurriculumConfig(List<Phase> phases) {

  public static CurriculumConfig defaults() {
    return new CurriculumConfig(List.of(new Phase("phase-1", 512, 64, 4), new Phase("phase-2", 1024, 64, 4)));
  }

  public void validate() {
    if (phases == null || phases.isEmpty()) {
      throw new ConfigException("curriculum.phases", "must list at least one phase");
    }
    int prev = 0;
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      String k = "curriculum.phases[" + i + "]";
      Check.notBlank(k + ".name", p.name());
      Check.positive(k + ".max-input-tokens", p.maxInputTokens());
      Check.positive(k + ".max-response-tokens", p.maxResponseTokens());
      Check.positive(k + ".steps", p.steps());
      if (p.maxInputTokens() <= prev) {
        throw new ConfigException(
            k + ".max-input-tokens", "must be greater than the previous phase's cap " + prev + ", got " + p.maxInputTokens());
      }
      prev = p.maxInputTokens();
    }
  }

  /** One curriculum phase. */
  public record Phase(String name, int maxInputTokens, int maxResponseTokens, int steps) {}
}
