package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.longctx.common.ConfigException;
import io.longctx.rewards.internal.DocMathNormalizer;
import io.longctx.rewards.internal.DocMathVerifier;
import io.longctx.rewards.internal.PyValue;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference rules, case by case, including their quirks (values worked out from the reference code). */
class RuleVerifiersTest {
  private static final SourceRouter ROUTER = new SourceRouter(RewardsConfig.defaults());

  private static double score(String source, String answer, String gold) {
    return ROUTER.score(source, "<think>\nreasoning\n</think>\n\n" + answer, gold).score();
  }

  @Test
  void routingFollowsTheReferenceOrderThenTheConfiguredMap() {
    assertThat(ROUTER.route("long_toc_choices_docmath")).isEqualTo(VerifierKind.CHOICES);
    assertThat(ROUTER.route("docmath_musique")).isEqualTo(VerifierKind.DOCMATH);
    assertThat(ROUTER.route("multihoprag_v1")).isEqualTo(VerifierKind.MULTIHOP);
    assertThat(ROUTER.route("musique")).isEqualTo(VerifierKind.MULTIHOP);
    for (String s : new String[] {"frames", "hotpotqa", "2wikimqa", "narrativeqa", "qasper", "synth_multihop",
        "synth_retrieval", "hotpotqa_e"}) {
      assertThat(ROUTER.route(s)).as(s).isEqualTo(VerifierKind.MULTIHOP);
    }
    assertThat(ROUTER.route("synth_docmath")).isEqualTo(VerifierKind.DOCMATH);
    assertThat(ROUTER.route("synth_long_toc_choices")).isEqualTo(VerifierKind.CHOICES);
    assertThatThrownBy(() -> ROUTER.route("gsm8k")).isInstanceOf(RewardException.class)
        .hasMessageContaining("'gsm8k'").hasMessageContaining("rewards.source-verifiers.gsm8k");
    assertThatThrownBy(() -> ROUTER.route(null)).isInstanceOf(RewardException.class);

    Map<String, String> m = new LinkedHashMap<>(RewardsConfig.defaults().sourceVerifiers());
    m.put("gsm8k", "docmath");
    RewardsConfig cfg = new RewardsConfig(m, RewardsConfig.JudgeConfig.defaults(),
        RewardsConfig.OverlongConfig.defaults(), RewardsConfig.AdvantageConfig.defaults());
    assertThat(new SourceRouter(cfg).route("gsm8k")).isEqualTo(VerifierKind.DOCMATH);
  }

  @Test
  void configRejectsUnknownVerifierNames() {
    Map<String, String> m = Map.of("x", "regex");
    RewardsConfig cfg = new RewardsConfig(m, RewardsConfig.JudgeConfig.defaults(),
        RewardsConfig.OverlongConfig.defaults(), RewardsConfig.AdvantageConfig.defaults());
    assertThatThrownBy(cfg::validate).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rewards.source-verifiers.x").hasMessageContaining("multihop");
    RewardsConfig bad = new RewardsConfig(RewardsConfig.defaults().sourceVerifiers(),
        RewardsConfig.JudgeConfig.defaults(), new RewardsConfig.OverlongConfig(true, 100, 200, 1.0),
        RewardsConfig.AdvantageConfig.defaults());
    assertThatThrownBy(bad::validate).hasMessageContaining("rewards.overlong.cache-length");
  }

  @Test
  void noThinkTagOrEmptyAnswerScoresZero() {
    assertThat(ROUTER.score("musique", "the answer is Paris", "Paris")).isEqualTo(RuleResult.NO_ANSWER);
    assertThat(ROUTER.score("musique", "<think>the answer is Paris</think>   ", "Paris").score()).isZero();
    assertThat(ROUTER.score("musique", "<think>a</think>x</think> the answer is Paris", "Paris").score())
        .isEqualTo(1.0);
  }

  @Test
  void multihopRules() {
    assertThat(score("musique", "the answer is Paris. And **the answer is** Lyon.", "Lyon")).isEqualTo(1.0);
    assertThat(score("musique", "The Answer is Paris", "Paris")).isZero(); // case-sensitive phrase
    assertThat(score("musique", "the answer is the city of Paris<｜end▁of▁sentence｜>", "Paris")).isEqualTo(1.0);
    assertThat(score("musique", "the answer is Paris", "the city of Paris, France")).isEqualTo(1.0);
    assertThat(score("musique", "the answer is an", "Paris")).isZero(); // empty after normalisation
    assertThat(score("musique", "the answer is ...", "Paris")).isZero();
    assertThat(ROUTER.score("musique", "<think></think>the answer is *Paris*.", "x").pred()).isEqualTo("Paris");
  }

  @Test
  void choiceRules() {
    assertThat(score("long_toc_choices_1", "The correct answer is (B)", "B")).isEqualTo(1.0);
    assertThat(score("long_toc_choices_1", "The correct answer is b", "B")).isZero(); // [A-D] only
    assertThat(score("long_toc_choices_1", "The correct answer is C. Wait: The correct answer is (B)", "B"))
        .isEqualTo(1.0); // the parenthesised form is searched first
    assertThat(score("long_toc_choices_1", "**The correct answer is** D", "(D)")).isEqualTo(1.0);
    assertThat(score("long_toc_choices_1", "the correct answer is (B)", "B")).isZero();
    assertThat(score("long_toc_choices_1", "The correct answer is (E)", "E")).isZero();
  }

  @Test
  void docmathExtractionAndNormalisation() {
    assertThat(DocMathVerifier.parseAnswer("So THE ANSWER IS $1,234.50.")).isEqualTo("$1234.50");
    assertThat(DocMathVerifier.parseAnswer("the answer is 5 and the answer is 6")).isEqualTo("5");
    assertThat(DocMathVerifier.parseAnswer("the answer is about 5")).isNull();
    assertThat(DocMathNormalizer.normalize("3.5 million").number()).isEqualTo(3.5);
    // the reference removes "US" before "USD", leaving a "D" that defeats its unit rules: value 0
    assertThat(DocMathNormalizer.normalizeText("3.5 million USD")).isEqualTo("3.5  D");
    assertThat(DocMathNormalizer.normalize("3.5 million USD").number()).isEqualTo(0.0);
    assertThat(DocMathNormalizer.normalizeText("approximately 42 kg")).isEqualTo("42");
    assertThat(DocMathNormalizer.normalizeText("2.5 x 10^3")).isEqualTo("2.5*math.pow(10, 3)");
    assertThat(DocMathNormalizer.normalize("2.5 x 10^3").number()).isEqualTo(2500.0);
    assertThat(DocMathNormalizer.normalize("1,234,567").number()).isEqualTo(1234567.0);
    assertThat(DocMathNormalizer.normalize("x = 17%").number()).isEqualTo(17.0);
    assertThat(DocMathNormalizer.normalize("yes").kind()).isEqualTo(PyValue.Kind.BOOL);
    assertThat(DocMathNormalizer.normalize("(b) 12").number()).isEqualTo(12.0); // unit rule wins
    assertThat(DocMathNormalizer.normalize("option (b)").kind()).isEqualTo(PyValue.Kind.STRING);
    assertThat(DocMathNormalizer.normalize("5 or 6").number()).isEqualTo(5.0);
    assertThat(DocMathNormalizer.normalize(".5").number()).isEqualTo(5.0); // the reference's prefix rule
    assertThat(DocMathNormalizer.normalize("0123").number()).isEqualTo(0.0); // Python rejects the literal
    assertThat(DocMathNormalizer.normalize("007.5").number()).isEqualTo(7.5);
    assertThat(DocMathNormalizer.normalize("1.2.3").number()).isEqualTo(0.0);
    assertThat(DocMathNormalizer.normalize("").number()).isEqualTo(0.0);
  }

  @Test
  void docmathComparator() {
    assertThat(DocMathVerifier.sameNumber(-2500000, 2500000)).isTrue(); // absolute values
    assertThat(DocMathVerifier.sameNumber(0.07, 7)).isTrue(); // percentage slip (x100)
    assertThat(DocMathVerifier.sameNumber(1234.5, 1.2345)).isTrue(); // x1000
    assertThat(DocMathVerifier.sameNumber(300, 3)).isTrue(); // power of ten
    assertThat(DocMathVerifier.sameNumber(12.0015, 12)).isTrue(); // 0.0125% relative error
    assertThat(DocMathVerifier.sameNumber(12.625, 12.5)).isFalse();
    assertThat(DocMathVerifier.sameNumber(0.0004, 0.0001)).isTrue(); // both round up to 0.001
    assertThat(DocMathVerifier.sameNumber(0, 0)).isTrue();
    assertThat(DocMathVerifier.sameNumber(0.5, 0)).isFalse();
    assertThat(DocMathVerifier.sameNumber(Double.POSITIVE_INFINITY, 3)).isFalse();
    assertThat(score("docmath", "The answer is 0.5", "50%")).isEqualTo(1.0);
    assertThat(score("docmath", "the answer is =.", "0")).isEqualTo(1.0); // "=" normalises to 0
    assertThat(score("docmath", "the answer is =", "0")).isZero(); // no number-like text: no match
    assertThat(score("docmath", "the answer is .", "0")).isZero(); // nothing left after stripping dots
    assertThat(score("docmath", "the answer is 3", "three")).isZero(); // gold without a number
  }

  @Test
  void qaMetricsMatchSquad() {
    assertThat(QaMetrics.normalize("The  Eiffel-Tower, in PARIS!")).isEqualTo("eiffeltower in paris");
    assertThat(QaMetrics.normalize("an apple a day")).isEqualTo("apple day");
    assertThat(QaMetrics.normalize("theatre anathema")).isEqualTo("theatre anathema");
    assertThat(QaMetrics.exactMatch("The Beatles", "beatles")).isTrue();
    assertThat(QaMetrics.f1("the cat sat on the mat", "a cat on a mat")).isCloseTo(2 * 0.75 * 1.0 / 1.75, within(1e-12));
    assertThat(QaMetrics.f1("yes", "yes it is")).isZero();
    assertThat(QaMetrics.f1("no", "no")).isEqualTo(1.0);
    assertThat(QaMetrics.f1("red red blue", "red blue blue")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(QaMetrics.subExactMatch("Paris", "paris, france")).isTrue();
    assertThat(QaMetrics.subExactMatch("the", "paris")).isFalse();
  }
}
