package io.longctx.transforms.synth;

import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.BpeTrainer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.transforms.PromptTemplate;

/**
 * Learns the embedded model's BPE ({@code policy.tokenizer: synth-bpe}) from synthetic records rendered exactly as
 * the model sees them: the plain chat template around the QwenLong-L1 prompt (multiple-choice records with their
 * own answer format), followed by the record's reasoning trace. The shipped merges are
 * {@code train(SynthConfig.defaults(), RECORDS, VOCAB_SIZE)} (the whole task mix, so every task's words are in the
 * vocabulary); {@code SynthBpeTest} re-learns them and compares.
 */
public final class SynthBpe {
  /** Vocabulary of the shipped tokenizer: 256 bytes, 2 specials, 510 merges. */
  public static final int VOCAB_SIZE = 768;
  /** Training records of the shipped tokenizer. */
  public static final int RECORDS = 4000;
  /** A pair must occur this often to be merged. */
  public static final int MIN_FREQUENCY = 20;

  private SynthBpe() {}

  public static BpeTokenizer train(SynthConfig config, int records, int vocabSize) {
    return train(config, records, vocabSize, MIN_FREQUENCY);
  }

  public static BpeTokenizer train(SynthConfig config, int records, int vocabSize, int minFrequency) {
    SynthGenerator gen = SynthGenerator.of(config);
    BpeTrainer trainer = new BpeTrainer(vocabSize, minFrequency);
    for (SynthRecord r : gen.records(SynthSplit.TRAIN, records)) {
      boolean choice = r.source().contains("choices");
      String prompt = PromptTemplate.build(r.context(), r.question(), choice).prompt();
      trainer.add(ChatTemplate.PLAIN.render(prompt) + r.trace());
    }
    return trainer.train();
  }
}
