package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** The length distribution and the difficulty knobs have the effect they promise. */
class SynthKnobsTest {
  /** The QwenLong-L1 prompt template as curation builds it (the exact wording is curation's; this is close). */
  private static final String TEMPLATE = "Please read the following text and answer the question below.\n\n<text>\n%s\n"
      + "</text>\n\n%s\n\nFormat your response as follows: \"Therefore, the answer is (insert answer here)\".";
  private static final List<Integer> BUCKETS = List.of(512, 1024, 2048);

  private static List<SynthRecord> generate(SynthConfig c, int n) {
    return SynthGenerator.of(c).records(SynthSplit.TRAIN, n);
  }

  static int promptTokens(SynthRecord r) {
    return new ByteTokenizer().count(ChatTemplate.PLAIN.render(String.format(TEMPLATE, r.context(), r.question())));
  }

  static int bucket(int tokens) {
    for (int i = 0; i < BUCKETS.size(); i++) {
      if (tokens <= BUCKETS.get(i)) {
        return i;
      }
    }
    return BUCKETS.size();
  }

  @Test
  void documentsSpanEveryBucketWithAFewOverTheLargestCap() {
    int n = 3000;
    int[] perBucket = new int[BUCKETS.size() + 1];
    int bandMatchesBucket = 0;
    for (SynthRecord r : generate(SynthConfig.defaults(), n)) {
      int b = bucket(promptTokens(r));
      perBucket[b]++;
      if (b == r.difficulty().get("length_band").intValue()) {
        bandMatchesBucket++;
      }
    }
    for (int b = 0; b < BUCKETS.size(); b++) {
      assertThat(perBucket[b]).as("bucket %d", b).isBetween((int) (0.27 * n), (int) (0.38 * n));
    }
    assertThat(perBucket[BUCKETS.size()]).as("over the largest cap").isBetween((int) (0.015 * n), (int) (0.05 * n));
    assertThat(bandMatchesBucket).as("each configured band lands in its bucket").isGreaterThan((int) (0.98 * n));
  }

  @Test
  void lengthBandsAreAKnob() {
    SynthConfig c = SynthTestConfigs.bands(SynthConfig.defaults(), List.of(new SynthConfig.LengthBand(3000, 3400, 1)));
    for (SynthRecord r : generate(c, 100)) {
      assertThat(promptTokens(r)).isBetween(2900, 3450);
    }
  }

  @Test
  void moreHopsMeanMoreHopFactsInTheChain() {
    for (int hops = 1; hops <= 5; hops++) {
      SynthConfig c = SynthTestConfigs.only(SynthTestConfigs.hops(SynthConfig.defaults(), hops, 0.5),
          SynthTask.MULTIHOP);
      for (SynthRecord r : generate(c, 100)) {
        List<String> chain = GoldRecomputer.hopRelations(r.question());
        assertThat(chain).hasSize(hops + 1);
        assertThat(hopOffsets(r)).hasSize(hops);
        assertThat(r.difficulty().get("hops").intValue()).isEqualTo(hops);
        assertThat(r.trace().split("\\. ")).hasSize(hops);
      }
    }
  }

  @Test
  void hopDistanceSpreadsTheChainThroughTheDocument() {
    double near = meanHopGap(0.1);
    double far = meanHopGap(0.9);
    assertThat(near).isLessThan(0.15);
    assertThat(far).isGreaterThan(0.3);
    assertThat(far).isGreaterThan(3 * near);
  }

  /** The mean gap between consecutive hop facts, as a share of document length, measured from the text. */
  private static double meanHopGap(double distance) {
    SynthConfig c = SynthTestConfigs.only(SynthTestConfigs.hops(SynthConfig.defaults(), 3, distance),
        SynthTask.MULTIHOP);
    double sum = 0;
    int count = 0;
    for (SynthRecord r : generate(c, 300)) {
      if (r.context().length() < 1000) {
        continue; // short documents hold only a few sentences
      }
      int[] off = hopOffsets(r);
      for (int i = 1; i < off.length; i++) {
        assertThat(off[i]).as("hop facts appear in chain order").isGreaterThan(off[i - 1]);
        sum += (off[i] - off[i - 1]) / (double) r.context().length();
        count++;
      }
    }
    return sum / count;
  }

  private static int[] hopOffsets(SynthRecord r) {
    List<String> chain = GoldRecomputer.hopRelations(r.question());
    Map<String, String> facts = GoldRecomputer.facts(r.context());
    Map<String, Integer> offsets = GoldRecomputer.factOffsets(r.context());
    int[] out = new int[chain.size() - 1];
    String entity = chain.get(0);
    for (int i = 1; i < chain.size(); i++) {
      String key = chain.get(i) + "|" + entity;
      out[i - 1] = offsets.get(key);
      entity = facts.get(key);
    }
    return out;
  }

  @Test
  void distractorSimilarityControlsWhatSurroundsTheNeedle() {
    SynthConfig retrieval = SynthTestConfigs.only(SynthConfig.defaults(), SynthTask.RETRIEVAL);
    int[] factSentences = new int[3];
    int[] nearNames = new int[3];
    for (int level = 0; level <= 2; level++) {
      for (SynthRecord r : generate(SynthTestConfigs.similarity(retrieval, level), 300)) {
        String asked = r.question().substring(r.question().lastIndexOf(' ') + 1, r.question().length() - 1);
        Matcher m = GoldRecomputer.FACT.matcher(r.context());
        while (m.find()) {
          factSentences[level]++;
          if (oneLetterApart(m.group(2), asked)) {
            nearNames[level]++;
          }
        }
        assertThat(r.difficulty().get("distractor_similarity").intValue()).isEqualTo(level);
      }
    }
    assertThat(factSentences[0]).as("level 0: only the needle").isEqualTo(300);
    assertThat(factSentences[1]).isGreaterThan(600);
    assertThat(nearNames[0] + nearNames[1]).as("near-identical names only at level 2").isZero();
    assertThat(nearNames[2]).isGreaterThan(250);
  }

  private static boolean oneLetterApart(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < a.length(); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        diff++;
      }
    }
    return diff == 1;
  }

  @Test
  void tenThousandDocumentsInSeconds() {
    SynthGenerator g = SynthGenerator.of(SynthConfig.defaults());
    g.records(SynthSplit.TRAIN, 500); // warm-up
    long start = System.nanoTime();
    List<SynthRecord> records = g.records(SynthSplit.TRAIN, 10_000);
    double seconds = (System.nanoTime() - start) / 1e9;
    long chars = records.stream().mapToLong(r -> r.context().length()).sum();
    System.out.printf("synth: 10000 records, %.1f MB of documents in %.2f s (%.0f records/s)%n",
        chars / 1e6, seconds, 10_000 / seconds);
    assertThat(seconds).isLessThan(20);
  }

  @Test
  void oneDigitValuesWithWordFillerLeaveTheAnswerTheOnlyDigitAndTheTraceQuotesTheFact() {
    SynthConfig c = SynthTestConfigs.values(SynthTestConfigs.only(SynthTestConfigs.defaults(), SynthTask.RETRIEVAL),
        0, 1, false);
    int[] perDigit = new int[10];
    for (SynthRecord r : generate(c, 400)) {
      assertThat(r.answer()).matches("[1-9]");
      assertThat(r.context().replaceAll("[^0-9]", "")).as(r.id()).isEqualTo(r.answer());
      String fact = r.trace().substring("<think>\n".length(), r.trace().indexOf("\n</think>"));
      assertThat(fact).matches("The (code|room|badge) of [A-Z][a-z]{5} is [1-9]\\.");
      assertThat(r.context()).as(r.id()).contains(fact);
      assertThat(r.trace()).endsWith("Therefore, the answer is " + r.answer() + ".");
      perDigit[Integer.parseInt(r.answer())]++;
    }
    for (int d = 1; d <= 9; d++) {
      assertThat(perDigit[d]).as("records with value %d", d).isBetween(20, 70);
    }
  }

  @Test
  void defaultsKeepFourDigitValuesAndNumbersInFiller() {
    SynthConfig c = SynthTestConfigs.only(SynthTestConfigs.defaults(), SynthTask.RETRIEVAL);
    long withFillerNumbers = generate(c, 100).stream()
        .filter(r -> r.answer().matches("[1-9][0-9]{3}"))
        .filter(r -> r.context().replace(r.answer(), "").matches("(?s).*[0-9].*"))
        .count();
    assertThat(withFillerNumbers).isGreaterThan(90);
  }
}
