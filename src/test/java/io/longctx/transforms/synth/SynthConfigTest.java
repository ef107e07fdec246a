package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.common.ConfigException;
import io.longctx.jobs.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SynthConfigTest {

  @Test
  void shippedLocalConfigIsTheSettingTheEmbeddedModelLearns() {
    SynthConfig fromFile = ConfigLoader.load(Path.of("conf/local.yaml")).synth();
    assertThat(fromFile.taskWeights()).containsEntry(SynthTask.RETRIEVAL.source(), 1.0)
        .containsEntry(SynthTask.DOCMATH.source(), 0.0).containsEntry(SynthTask.MULTIHOP.source(), 0.0)
        .containsEntry(SynthTask.LONG_TOC_CHOICES.source(), 0.0);
    assertThat(fromFile.distractorSimilarity()).isZero();
    assertThat(fromFile.valueDigits()).isEqualTo(1);
    assertThat(fromFile.fillerNumbers()).isFalse();
    SynthConfig d = SynthConfig.defaults();
    assertThat(d.valueDigits()).isEqualTo(4);
    assertThat(d.fillerNumbers()).isTrue();
  }

  @Test
  void shortValuesRefuseNearIdenticalDistractors() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("conf/local.yaml"),
        Map.of("synth.value-digits", "1", "synth.distractor-similarity", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'synth.value-digits'")
        .hasMessageContaining("distractor-similarity");
  }

  @Test
  void oneDigitValuesWithDistractorFactsStayDistinctWithinARecord() {
    // dense distractors on long documents would want more than the 9 one-digit values: the count is capped at 8
    SynthConfig c = ConfigLoader.load(Path.of("conf/local.yaml"), Map.of(
        "synth.value-digits", "1", "synth.distractor-similarity", "1", "synth.distractors-per-kchar", "20",
        "synth.samples", "200")).synth();
    java.util.regex.Pattern fact = java.util.regex.Pattern.compile("The (?:code|room|badge) of [A-Z][a-z]+ is (\\d+)\\.");
    int maxFacts = 0;
    for (SynthRecord r : SynthGenerator.of(c).records(SynthSplit.TRAIN, 200)) {
      java.util.regex.Matcher m = fact.matcher(r.context());
      java.util.Set<String> values = new java.util.HashSet<>();
      int facts = 0;
      while (m.find()) {
        facts++;
        assertThat(values.add(m.group(1))).as("%s repeats value %s", r.id(), m.group(1)).isTrue();
      }
      assertThat(facts).as(r.id()).isBetween(2, 9);
      maxFacts = Math.max(maxFacts, facts);
    }
    assertThat(maxFacts).isEqualTo(9);
  }

  @Test
  void knobsAreSettableFromTheCommandLine() {
    SynthConfig c = ConfigLoader.load(Path.of("conf/local.yaml"), Map.of(
        "synth.hops", "3",
        "synth.distractor-similarity", "2",
        "synth.value-digits", "4",
        "synth.docmath-ops", "[ratio, percent-change]",
        "synth.length-bands", "[{min: 700, max: 900, share: 1}]")).synth();
    assertThat(c.hops()).isEqualTo(3);
    assertThat(c.distractorSimilarity()).isEqualTo(2);
    assertThat(c.docmathOps()).containsExactly("ratio", "percent-change");
    assertThat(c.lengthBands()).containsExactly(new SynthConfig.LengthBand(700, 900, 1));
  }

  @Test
  void badValuesNameTheKeyAndTheAllowedRange() {
    expectBad("synth.hops", "0", "synth.hops", "[1.0, 5.0]");
    expectBad("synth.distractor-similarity", "3", "synth.distractor-similarity", "[0.0, 2.0]");
    expectBad("synth.hop-distance", "1.5", "synth.hop-distance", "[0.0, 1.0]");
    expectBad("synth.docmath-ops", "[sum, product]", "synth.docmath-ops[1]", "percent-change");
    expectBad("synth.docmath-terms", "9", "synth.docmath-terms", "[2.0, 4.0]");
    expectBad("synth.task-weights", "{synth_poetry: 1}", "synth.task-weights.synth_poetry", "synth_docmath");
    expectBad("synth.task-weights", "{synth_retrieval: 0}", "synth.task-weights", "> 0");
    expectBad("synth.length-bands", "[{min: 900, max: 700, share: 1}]", "synth.length-bands[0].max", ">= synth.length-bands[0].min (900)");
    expectBad("synth.length-bands", "[]", "synth.length-bands", "at least one");
    expectBad("synth.heldout-samples", "0", "synth.heldout-samples", "> 0");
    expectBad("synth.value-digits", "5", "synth.value-digits", "[1.0, 4.0]");
    expectBad("synth.heldout-length-bands", "[{min: 500, max: 400, share: 1}]",
        "synth.heldout-length-bands[0].max", ">= synth.heldout-length-bands[0].min (500)");
    expectBad("synth.heldout-length-bands", "[{min: 400, max: 500, share: 0}]", "synth.heldout-length-bands",
        "at least one share must be > 0");
  }

  @Test
  void heldoutBandsDefaultToTheTrainingBandsAndAreSettable() {
    SynthConfig d = SynthConfig.defaults();
    assertThat(d.heldoutLengthBands()).isEmpty();
    assertThat(d.bands(SynthSplit.HELDOUT)).isEqualTo(d.lengthBands());
    SynthConfig c = ConfigLoader.load(Path.of("conf/local.yaml"), Map.of(
        "synth.heldout-length-bands", "[{min: 700, max: 900, share: 1}]")).synth();
    assertThat(c.bands(SynthSplit.HELDOUT)).containsExactly(new SynthConfig.LengthBand(700, 900, 1));
    assertThat(c.bands(SynthSplit.TRAIN)).isEqualTo(c.lengthBands()).doesNotContain(
        new SynthConfig.LengthBand(700, 900, 1));
  }

  @Test
  void unknownSynthKeyIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("conf/local.yaml"), Map.of("synth.hopz", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("hopz");
  }

  private static void expectBad(String key, String value, String namedKey, String allowed) {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("conf/local.yaml"), Map.of(key, value)))
        .as("%s=%s", key, value)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + namedKey + "'")
        .hasMessageContaining(allowed);
  }
}
