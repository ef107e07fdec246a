package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each task's gold is recomputable from the document alone, answers are verifiable, traces are short. */
class SynthTasksTest {
  private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d{1,2})?");
  private static final Pattern ENTITY = Pattern.compile("[A-Z][a-z]{5}");

  private static List<SynthRecord> generate(SynthConfig c, int n) {
    return SynthGenerator.of(c).records(SynthSplit.TRAIN, n);
  }

  @Test
  void goldIsRecomputableFromTheDocumentAtEveryDifficulty() {
    SynthConfig all = SynthTestConfigs.docmath(SynthConfig.defaults(), SynthConfig.DOCMATH_OPS, 3);
    int checked = 0;
    for (int level = 0; level <= 2; level++) {
      for (int hops = 1; hops <= 4; hops += 3) {
        SynthConfig c = SynthTestConfigs.hops(SynthTestConfigs.similarity(all, level), hops, 0.7);
        for (SynthRecord r : generate(SynthTestConfigs.seed(c, 100 + level * 10 + hops), 500)) {
          String expected = GoldRecomputer.recompute(r);
          assertThat(expected).as("gold of %s not found in its document", r.id()).isNotNull();
          if (r.source().equals("synth_docmath")) {
            assertThat(new BigDecimal(r.answer())).as(r.id()).isEqualByComparingTo(new BigDecimal(expected));
          } else {
            assertThat(r.answer()).as(r.id()).isEqualTo(expected);
          }
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(3000);
  }

  @Test
  void answersAreShortAndNeverSubstringsOfOtherFacts() {
    SynthConfig c = SynthTestConfigs.similarity(
        SynthTestConfigs.docmath(SynthConfig.defaults(), SynthConfig.DOCMATH_OPS, 2), 2);
    for (SynthRecord r : generate(c, 1500)) {
      assertThat(r.answer().length()).as(r.id()).isBetween(1, 12);
      switch (r.source()) {
        case "synth_docmath" -> assertThat(r.answer()).matches(NUMBER);
        case "synth_long_toc_choices" -> {
          assertThat(r.answer()).matches("[ABCD]");
          List<String> options = new ArrayList<>();
          for (String line : r.question().split("\n")) {
            if (line.startsWith("(")) {
              options.add(line.substring(4).toLowerCase());
            }
          }
          assertThat(options).hasSize(4).doesNotHaveDuplicates();
          for (String a : options) {
            for (String b : options) {
              assertThat(a.equals(b) || !a.contains(b)).as("option %s inside %s", b, a).isTrue();
            }
          }
        }
        default -> {
          assertThat(r.answer()).matches(r.source().startsWith("synth_retrieval") ? "\\d{4}" : ENTITY.pattern());
          String gold = r.answer().toLowerCase();
          for (String value : GoldRecomputer.facts(r.context()).values()) {
            String v = value.toLowerCase();
            assertThat(v.equals(gold) || (!v.contains(gold) && !gold.contains(v)))
                .as("%s: gold %s vs fact value %s", r.id(), gold, v).isTrue();
          }
        }
      }
    }
  }

  @Test
  void tracesAreShortVerifiedAndEndWithTheAnswerPhrase() {
    SynthConfig c = SynthTestConfigs.docmath(SynthConfig.defaults(), SynthConfig.DOCMATH_OPS, 2);
    Pattern shape = Pattern.compile("<think>\\n(.+)\\n</think>\\n\\n(.+)", Pattern.DOTALL);
    for (SynthRecord r : generate(c, 1000)) {
      Matcher m = shape.matcher(r.trace());
      assertThat(m.matches()).as(r.trace()).isTrue();
      assertThat(m.group(1).length()).as("reasoning of %s: %s", r.id(), m.group(1)).isLessThanOrEqualTo(64);
      if (r.source().equals("synth_long_toc_choices")) {
        assertThat(m.group(2)).isEqualTo("The correct answer is (" + r.answer() + ").");
      } else {
        assertThat(m.group(2)).isEqualTo("Therefore, the answer is " + r.answer() + ".");
        assertThat(m.group(1)).as("the reasoning derives the gold").endsWith(r.answer() + ".");
      }
    }
  }

  @Test
  void taskMixFollowsTheWeights() {
    int n = 4000;
    Map<SynthTask, Integer> counts = new EnumMap<>(SynthTask.class);
    for (SynthRecord r : generate(SynthConfig.defaults(), n)) {
      SynthTask t = SynthTask.valueOf(r.task().toUpperCase());
      assertThat(t.source()).isEqualTo(r.source());
      counts.merge(t, 1, Integer::sum);
    }
    for (SynthTask t : SynthTask.values()) {
      double expected = SynthConfig.defaults().weight(t) * n;
      assertThat((double) counts.getOrDefault(t, 0)).as(t.name()).isBetween(expected * 0.85, expected * 1.15);
    }
    for (SynthRecord r : generate(SynthTestConfigs.only(SynthConfig.defaults(), SynthTask.MULTIHOP), 200)) {
      assertThat(r.source()).isEqualTo("synth_multihop");
    }
  }

  @Test
  void retrievalAmongDistractorsAlwaysHasOtherFactsOfTheSameTemplate() {
    // the ablation miniature's setting: one-digit values, no distractors for the other tasks, word-only filler
    SynthConfig base = SynthTestConfigs.values(SynthConfig.defaults(), 0, 1, false);
    Map<String, Double> mix = new java.util.LinkedHashMap<>();
    mix.put("synth_retrieval", 0.5);
    mix.put("synth_retrieval_distractors", 0.5);
    SynthConfig c = SynthTestConfigs.weights(base, mix);
    int plain = 0;
    int hard = 0;
    for (SynthRecord r : generate(c, 600)) {
      Map<String, String> facts = GoldRecomputer.facts(r.context());
      assertThat(r.answer()).as(r.id()).isEqualTo(GoldRecomputer.recompute(r)).matches("[1-9]");
      int distractors = r.difficulty().get("distractors").intValue();
      assertThat(facts).as(r.id()).hasSize(distractors + 1);
      if (r.source().equals("synth_retrieval_distractors")) {
        hard++;
        assertThat(r.task()).isEqualTo("retrieval_distractors");
        assertThat(distractors).as("%s: at least one other fact", r.id()).isBetween(1, 8);
        assertThat(r.difficulty().get("distractor_similarity").intValue()).isEqualTo(1);
        assertThat(facts.values()).as("%s: distinct values", r.id()).doesNotHaveDuplicates();
        assertThat(r.trace()).isEqualTo(Draft.answerTrace(r.question().replace("What is the ", "The ")
            .replace("?", " is " + r.answer() + "."), r.answer()));
      } else {
        plain++;
        assertThat(distractors).as(r.id()).isZero();
        assertThat(r.difficulty().get("distractor_similarity").intValue()).isZero();
      }
    }
    assertThat(plain).isBetween(240, 360);
    assertThat(hard).isBetween(240, 360);
    // more document, more distractors (synth.distractors-per-kchar)
    SynthConfig longDocs = SynthTestConfigs.bands(SynthTestConfigs.only(base, SynthTask.RETRIEVAL_DISTRACTORS),
        List.of(new SynthConfig.LengthBand(1800, 2000, 1)));
    for (SynthRecord r : generate(longDocs, 50)) {
      assertThat(r.difficulty().get("distractors").intValue()).as(r.id()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void docmathUsesEveryConfiguredOperationWithExactGolds() {
    SynthConfig c = SynthTestConfigs.only(
        SynthTestConfigs.docmath(SynthConfig.defaults(), SynthConfig.DOCMATH_OPS, 4), SynthTask.DOCMATH);
    int[] ops = new int[5];
    int tables = 0;
    for (SynthRecord r : generate(c, 800)) {
      int op = r.difficulty().get("op").intValue();
      ops[op]++;
      if (op == 1) {
        assertThat(r.difficulty().get("terms").intValue()).isEqualTo(4);
        assertThat(r.question().split("\\d{4}", -1)).hasSize(5);
      }
      Matcher t = GoldRecomputer.TABLE.matcher(r.context());
      while (t.find()) {
        if (r.question().contains(" " + t.group(1) + " ") && r.question().contains(t.group(2))) {
          tables++; // the asked series is a table, not a figure
        }
      }
    }
    for (int op = 1; op <= 4; op++) {
      assertThat(ops[op]).as("op %d", op).isGreaterThan(120);
    }
    assertThat(tables).as("asked series: tables and figures both occur").isBetween(320, 480);
  }
}
