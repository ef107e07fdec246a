package io.longctx.jobs.ablate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows over per-seed accuracies, and the text and markdown tables. */
class AblationSummaryTest {
  static final List<String> BUCKETS = List.of("(0, 256]", "(256, 512]", "all");

  static Map<String, Double> acc(double a, double b, double all) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("(0, 256]", a);
    m.put("(256, 512]", b);
    m.put("all", all);
    return m;
  }

  @Test
  void rowsTextAndMarkdown() {
    Map<String, Map<String, Double>> full = new LinkedHashMap<>();
    full.put("abl-full-s1-eval", acc(0.80, 0.50, 0.65));
    full.put("abl-full-s2-eval", acc(0.85, 0.60, 0.725));
    full.put("abl-full-s3-eval", acc(0.90, 0.70, 0.80));
    Map<String, Map<String, Double>> one = new LinkedHashMap<>();
    one.put("abl-no-sft-s1-eval", acc(0.10, 0.05, 0.075));
    AblationSummary s = new AblationSummary(BUCKETS, Map.of("(0, 256]", 60L, "(256, 512]", 60L, "all", 120L),
        List.of(AblationSummary.row("full", 3, BUCKETS, full), AblationSummary.row("no-sft", 3, BUCKETS, one),
            AblationSummary.row("pending", 3, BUCKETS, Map.of())));
    AblationSummary.ConfigRow r = s.rows().get(0);
    assertThat(r.n()).isEqualTo(3);
    assertThat(r.runs()).containsExactly("abl-full-s1-eval", "abl-full-s2-eval", "abl-full-s3-eval");
    assertThat(r.accuracy().get("(0, 256]").mean()).isEqualTo(0.85, org.assertj.core.api.Assertions.within(1e-12));
    // (256, 512]: 0.5, 0.6, 0.7 -> s = 0.1, half = 4.303 * 0.1 / sqrt(3) = 0.248434 -> "60.0 ± 24.8"
    assertThat(AblationSummary.cell(r.accuracy().get("(256, 512]"))).isEqualTo("60.0 ± 24.8");
    assertThat(AblationSummary.cell(s.rows().get(1).accuracy().get("all"))).isEqualTo("7.5 (n=1)");
    assertThat(AblationSummary.cell(s.rows().get(2).accuracy().get("all"))).isEqualTo("-");

    String text = s.text();
    assertThat(text.lines().toList().get(0)).startsWith("config ").contains("(0, 256] (60)").endsWith("all (120)");
    assertThat(text).contains("full     3/3").contains("85.0 ± 12.4").contains("no-sft   1/3").contains("pending  0/3");
    String md = s.markdown();
    assertThat(md.lines().toList()).containsSubsequence(
        "| config | seeds | (0, 256] (60) | (256, 512] (60) | all (120) |",
        "| --- | --- | --- | --- | --- |",
        "| full | 3/3 | 85.0 ± 12.4 | 60.0 ± 24.8 | 72.5 ± 18.6 |",
        "| no-sft | 1/3 | 10.0 (n=1) | 5.0 (n=1) | 7.5 (n=1) |",
        "| pending | 0/3 | - | - | - |");

    // the wasted-share column appears when a config has it
    AblationSummary w = new AblationSummary(BUCKETS, s.items(), s.rows(),
        Map.of("full", MeanCi.of(List.of(0.8, 0.9, 0.7)), "no-sft", MeanCi.of(List.of(1.0))));
    assertThat(w.markdown().lines().toList()).containsSubsequence(
        "| config | seeds | (0, 256] (60) | (256, 512] (60) | all (120) | wasted share |",
        "| --- | --- | --- | --- | --- | --- |",
        "| full | 3/3 | 85.0 ± 12.4 | 60.0 ± 24.8 | 72.5 ± 18.6 | 0.800 ± 0.248 |",
        "| no-sft | 1/3 | 10.0 (n=1) | 5.0 (n=1) | 7.5 (n=1) | 1.000 (n=1) |",
        "| pending | 0/3 | - | - | - | - |");
    assertThat(w.text().lines().toList().get(0)).endsWith("all (120)   wasted share");
    assertThat(s.markdown()).doesNotContain("wasted");
  }
}
