package io.longctx.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket boundaries (off by one at every cap), middle truncation and overlong handling, byte tokenizer. */
class TokenizeAndBucketTest {
  static final List<Integer> CAPS = List.of(300, 600, 1200);
  static final String QUESTION = "What is the code of Zorvex?";
  final ByteTokenizer tok = new ByteTokenizer();
  final TokenizeAndBucket.Settings truncate =
      new TokenizeAndBucket.Settings(new TokenizerSpec("byte"), ChatTemplate.PLAIN, CAPS, true);
  final TokenizeAndBucket.Settings quarantine =
      new TokenizeAndBucket.Settings(new TokenizerSpec("byte"), ChatTemplate.PLAIN, CAPS, false);

  /** Tokens of the templated prompt around an empty document: the byte tokenizer counts UTF-8 bytes. */
  int overhead() {
    return tok.count(ChatTemplate.PLAIN.render(PromptTemplate.build("", QUESTION, false).prompt()));
  }

  PromptTemplate.Parts withTokens(int tokens) {
    return PromptTemplate.build("x".repeat(tokens - overhead()), QUESTION, false);
  }

  @Test
  void bucketOfIsRightAtEveryCap() {
    assertThat(LengthBuckets.bucketOf(1, CAPS)).isEqualTo(0);
    assertThat(LengthBuckets.bucketOf(300, CAPS)).isEqualTo(0);
    assertThat(LengthBuckets.bucketOf(301, CAPS)).isEqualTo(1);
    assertThat(LengthBuckets.bucketOf(600, CAPS)).isEqualTo(1);
    assertThat(LengthBuckets.bucketOf(601, CAPS)).isEqualTo(2);
    assertThat(LengthBuckets.bucketOf(1200, CAPS)).isEqualTo(2);
    assertThat(LengthBuckets.bucketOf(1201, CAPS)).isEqualTo(LengthBuckets.OVER);
  }

  @Test
  void measuredPromptsLandInTheRightBucketAtCapMinusOneCapAndCapPlusOne() {
    for (int k = 0; k < CAPS.size(); k++) {
      int cap = CAPS.get(k);
      for (int delta = -1; delta <= 1; delta++) {
        int n = cap + delta;
        TokenizeAndBucket.Measured m = TokenizeAndBucket.measure(tok, truncate, withTokens(n));
        int expectedBucket = delta <= 0 ? k : k + 1;
        if (k == CAPS.size() - 1 && delta == 1) {
          assertThat(m.truncated()).as("cap %d + 1", cap).isTrue();
          assertThat(m.tokens()).isEqualTo(cap);
          assertThat(m.bucket()).isEqualTo(k);
        } else {
          assertThat(m.tokens()).as("tokens at %d", n).isEqualTo(n);
          assertThat(m.bucket()).as("bucket at %d", n).isEqualTo(expectedBucket);
          assertThat(m.truncated()).isFalse();
        }
      }
    }
  }

  @Test
  void middleTruncationKeepsHeadAndTailHalvesAndFitsTheLargestCap() {
    StringBuilder doc = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      doc.append(String.format("s%03d ", i));
    }
    PromptTemplate.Parts parts = PromptTemplate.build(doc.toString(), QUESTION, false);
    TokenizeAndBucket.Measured m = TokenizeAndBucket.measure(tok, truncate, parts);
    assertThat(m.truncated()).isTrue();
    assertThat(m.tokens()).isEqualTo(1200).isEqualTo(tok.count(ChatTemplate.PLAIN.render(m.prompt())));
    int budget = 1200 - overhead();
    String original = doc.toString().strip();
    assertThat(m.document()).isEqualTo(original.substring(0, budget / 2)
        + original.substring(original.length() - (budget - budget / 2)));
    assertThat(m.prompt()).isEqualTo(parts.withDocument(m.document()).prompt());
  }

  @Test
  void truncationDoesNotLeaveBrokenCharactersAtTheCut() {
    PromptTemplate.Parts parts = PromptTemplate.build("é".repeat(1000), QUESTION, false);
    TokenizeAndBucket.Measured m = TokenizeAndBucket.measure(tok, truncate, parts);
    assertThat(m.truncated()).isTrue();
    assertThat(m.tokens()).isBetween(1200 - 2, 1200); // a 2-byte character cut at each end is dropped
    assertThat(m.document()).matches("é+");
  }

  @Test
  void overlongPromptsAreRejectedInQuarantineModeOrWhenTheQuestionAloneIsTooLong() {
    TokenizeAndBucket.Measured q = TokenizeAndBucket.measure(tok, quarantine, withTokens(1201));
    assertThat(q.error()).contains("1201 tokens", "curate.overlong=quarantine");
    assertThat(TokenizeAndBucket.measure(tok, quarantine, withTokens(1200)).error()).isNull();
    PromptTemplate.Parts longQuestion = PromptTemplate.build("doc", "why ".repeat(400), false);
    assertThat(TokenizeAndBucket.measure(tok, truncate, longQuestion).error()).contains("template and question");
  }
}
