package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.ByteTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.PromptTemplate;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The shipped synth-bpe merges are exactly what the code learns from the default synthetic corpus. */
class SynthBpeTest {

  @Test
  void shippedMergesAreRelearnedFromTheDefaultCorpus() throws Exception {
    BpeTokenizer learned = SynthBpe.train(SynthConfig.defaults(), SynthBpe.RECORDS, SynthBpe.VOCAB_SIZE);
    StringWriter a = new StringWriter();
    learned.write(a);
    StringWriter b = new StringWriter();
    TokenizerSpec.synthBpe().write(b);
    assertThat(a.toString()).isEqualTo(b.toString());
  }

  @Test
  void templatedPromptsOfEveryTaskAreSeveralTimesShorterThanInBytes() {
    BpeTokenizer bpe = TokenizerSpec.synthBpe();
    ByteTokenizer bytes = new ByteTokenizer();
    long b = 0;
    long t = 0;
    for (SynthRecord r : SynthGenerator.of(SynthConfig.defaults()).records(SynthSplit.HELDOUT, 50)) {
      String text = ChatTemplate.PLAIN.render(
          PromptTemplate.build(r.context(), r.question(), r.source().contains("choices")).prompt()) + r.trace();
      int[] ids = bpe.encode(text);
      assertThat(bpe.decode(ids)).isEqualTo(text);
      b += bytes.encode(text).length;
      t += ids.length;
    }
    // 2.58 over the whole task mix (DocMath numbers split into digits), 3.5 on retrieval alone
    assertThat((double) b / t).as("bytes per token").isGreaterThan(2.4);
  }
}
