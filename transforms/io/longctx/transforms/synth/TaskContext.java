package io.longctx.transforms.synth;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** The per-record state a task draws from: the record's generator, its name pool, the knobs and the length. */
final class TaskContext {
  final SplittableRandom rng;
  final Lexicon.Pool pool;
  final SynthConfig config;
  final int targetPromptBytes;

  TaskContext(SplittableRandom rng, SynthConfig config, int targetPromptBytes) {
    this.rng = rng;
    this.pool = new Lexicon.Pool(rng, config.valueDigits());
    this.config = config;
    this.targetPromptBytes = targetPromptBytes;
  }

  int similarity() {
    return config.distractorSimilarity();
  }

  /** The document length that makes the estimated templated prompt hit the target, given the question. */
  int docChars(String question) {
    int q = question.getBytes(StandardCharsets.UTF_8).length;
    return Math.max(0, targetPromptBytes - config.promptOverhead() - q);
  }

  /**
   * How many distractor facts a document of this length gets: 0 at similarity 0, else at least 1, and never more
   * than the value width leaves distinct values for (8 with one-digit values: the answer and its distractors differ).
   */
  int distractorCount(int docChars) {
    return distractorCount(docChars, config.distractorSimilarity());
  }

  /** {@link #distractorCount(int)} at a given similarity. */
  int distractorCount(int docChars, int similarity) {
    if (similarity == 0) {
      return 0;
    }
    int wanted = Math.max(1, (int) Math.round(config.distractorsPerKchar() * docChars / 1000.0));
    int distinctValues = config.valueDigits() == 1 ? 9 : 9 * (int) Math.pow(10, config.valueDigits() - 1);
    return Math.min(wanted, distinctValues - 1);
  }

  /** Fixes the question and the document length of a draft, and returns the distractor budget. */
  int settle(Draft draft, String question) {
    draft.question = question;
    draft.targetDocChars = docChars(question);
    return distractorCount(draft.targetDocChars, draft.similarity(config.distractorSimilarity()));
  }
}
