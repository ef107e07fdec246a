package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.rewards.internal.SequenceMatcher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * LongBench v2's choice extraction and OpenAI MRCR's grader: difflib's ratio on hand-computed cases and on the
 * goldens that Python's own difflib wrote ({@code src/test/python/make_difflib_goldens.py}).
 */
class LongBenchV2AndMrcrScoringTest {
  private static final SourceRouter ROUTER = new SourceRouter(RewardsConfig.defaults());

  @Test
  void ratioOnHandComputedCases() {
    assertThat(SequenceMatcher.ratio("", "")).isEqualTo(1.0);
    assertThat(SequenceMatcher.ratio("", "abc")).isEqualTo(0.0);
    assertThat(SequenceMatcher.ratio("abcd", "bcde")).isEqualTo(2.0 * 3 / 8); // "bcd"
    assertThat(SequenceMatcher.ratio("abxcd", "abcd")).isEqualTo(2.0 * 4 / 9); // "ab" + "cd"
    assertThat(SequenceMatcher.ratio("poem about tapir", "poem about tapirs")).isEqualTo(32.0 / 33);
    // code points, not UTF-16 units: one emoji is one element on each side
    assertThat(SequenceMatcher.ratio("a\uD83D\uDE00", "\uD83D\uDE00")).isEqualTo(2.0 * 1 / 3);
    // 199 elements in b: no autojunk, the longest block "x" * 100 matches
    assertThat(SequenceMatcher.ratio("y".repeat(99) + "x".repeat(100), "x".repeat(100) + "y".repeat(99)))
        .isEqualTo(200.0 / 398);
    // 200 elements in b: 'x' and 'y' occur more than 200 // 100 + 1 = 3 times, are popular and start no match
    assertThat(SequenceMatcher.ratio("y".repeat(100) + "x".repeat(100), "x".repeat(100) + "y".repeat(99) + "z"))
        .isEqualTo(0.0);
    // ... but a match that starts elsewhere is extended over popular elements
    assertThat(SequenceMatcher.ratio("z" + "a".repeat(199), "z" + "a".repeat(199))).isEqualTo(1.0);
  }

  @Test
  void ratioEqualsPythonDifflibOnEveryGolden() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int n = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(getClass().getResourceAsStream("/difflib/ratio-goldens.jsonl")),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode c = json.readTree(line);
        double expected = c.get("ratio").asDouble();
        assertThat(SequenceMatcher.ratio(c.get("a").asText(), c.get("b").asText()))
            .as("case %d: %s", n + 1, line.length() > 120 ? line.substring(0, 120) : line)
            .isEqualTo(expected);
        n++;
      }
    }
    assertThat(n).isGreaterThan(100);
  }

  @Test
  void mrcrFollowsTheDatasetCardGrader() {
    String prefix = "aYooSG8CQg";
    String answer = prefix + "poem about tapirs";
    assertThat(VerifierKind.MRCR.score(prefix + "poem about tapirs", answer, prefix).score()).isEqualTo(1.0);
    assertThat(VerifierKind.MRCR.score(prefix + "poem about tapir", answer, prefix).score()).isEqualTo(32.0 / 33);
    RuleResult missing = VerifierKind.MRCR.score("poem about tapirs", answer, prefix);
    assertThat(missing.score()).isEqualTo(0.0);
    assertThat(missing.pred()).isNull();
    // a leading space is not the prefix: the card's startswith is strict
    assertThat(VerifierKind.MRCR.score(" " + prefix + "poem about tapirs", answer, prefix).score()).isEqualTo(0.0);
    // reasoning models: graded after the last </think>, leading whitespace removed
    RuleResult thought =
        VerifierKind.MRCR.score("<think>the 2nd poem</think>\n\n" + prefix + "poem about tapirs", answer, prefix);
    assertThat(thought.score()).isEqualTo(1.0);
    assertThat(thought.gold()).isEqualTo("poem about tapirs");
    // hand-computed: "Rocks are old." vs "Rocks are cold." -> 14 matching elements of 14 + 15
    assertThat(ROUTER.route("mrcr").score(prefix + "Rocks are old.", prefix + "Rocks are cold.", prefix).score())
        .isCloseTo(28.0 / 29, within(0.0));
    // without a known prefix (the 2-argument form) the ratio alone: 24 matching of 24 + 25
    assertThat(ROUTER.score("mrcr", prefix + "Rocks are old.", prefix + "Rocks are cold.").score())
        .isEqualTo(48.0 / 49);
    assertThat(VerifierKind.MRCR.judgeable()).isFalse();
  }

  @Test
  void longBenchV2ExtractsTheChoiceLikeItsReferenceCode() {
    assertThat(ROUTER.route("longbench-v2")).isEqualTo(VerifierKind.LONGBENCH_V2);
    assertThat(score("The correct answer is (B)", "B")).isEqualTo(1.0);
    assertThat(score("**The correct answer is (B)**", "B")).isEqualTo(1.0);
    assertThat(score("The correct answer is C.", "C")).isEqualTo(1.0);
    assertThat(score("The correct answer is (A). Or maybe The correct answer is (B)", "B")).isEqualTo(0.0);
    assertThat(score("the correct answer is (B)", "B")).isEqualTo(0.0); // the phrase is case-sensitive
    assertThat(score("<think>The correct answer is (A)?</think>\nThe correct answer is (D)", "D")).isEqualTo(1.0);
    RuleResult none = VerifierKind.LONGBENCH_V2.score("I think B", "B");
    assertThat(none.score()).isEqualTo(0.0);
    assertThat(none.pred()).isNull();
    assertThat(VerifierKind.LONGBENCH_V2.judgeable()).isFalse();
  }

  private static double score(String response, String gold) {
    return ROUTER.score("longbench-v2", response, gold).score();
  }
}
