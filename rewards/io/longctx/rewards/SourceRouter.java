package io.longctx.rewards;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Routes a {@code data_source} to its rule verifier the way the reference does: a source containing
 * {@code long_toc_choices} goes to {@link VerifierKind#CHOICES}, else one containing {@code docmath} to
 * {@link VerifierKind#DOCMATH}, else one containing {@code multihoprag} or {@code musique} to
 * {@link VerifierKind#MULTIHOP}; any other source is looked up in {@code rewards.source-verifiers} (exact name
 * first, then the first configured key that the source contains). A source with no route is an error.
 */
public final class SourceRouter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, VerifierKind> configured = new LinkedHashMap<>();

  /** Builds a router from a validated config. */
  public SourceRouter(RewardsConfig cfg) {
    for (Map.Entry<String, String> e : cfg.sourceVerifiers().entrySet()) {
      configured.put(e.getKey(), VerifierKind.fromConfigName(e.getValue()));
    }
  }

  /** The verifier for {@code dataSource}, or {@code null} when none is mapped. */
  public VerifierKind routeOrNull(String dataSource) {
    if (dataSource == null) {
      return null;
    }
    if (dataSource.contains("long_toc_choices")) {
      return VerifierKind.CHOICES;
    }
    if (dataSource.contains("docmath")) {
      return VerifierKind.DOCMATH;
    }
    if (dataSource.contains("multihoprag") || dataSource.contains("musique")) {
      return VerifierKind.MULTIHOP;
    }
    VerifierKind exact = configured.get(dataSource);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, VerifierKind> e : configured.entrySet()) {
      if (dataSource.contains(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The verifier for {@code dataSource}; throws a {@link RewardException} naming the fix when none is mapped. */
  public VerifierKind route(String dataSource) {
    VerifierKind k = routeOrNull(dataSource);
    if (k == null) {
      throw RewardErrors.unmappedSource(dataSource);
    }
    return k;
  }

  /** Scores one response: routes by source, then runs the rule verifier. */
  public RuleResult score(String dataSource, String response, String gold) {
    return route(dataSource).score(response, gold);
  }
}
