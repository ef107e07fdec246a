package io.longctx.policy.train;

/**
 * One supervised example: the loss is the NLL of the response tokens given the prompt.
 *
 * @param promptIds prompt token ids (at least one)
 * @param responseIds target response token ids (at least one)
 */
public record SftExample(int[] promptIds, int[] responseIds) {

  static void validateTokens(int index, int[] promptIds, int[] responseIds, int vocabSize) {
    if (promptIds == null || promptIds.length == 0) {
      throw TrainErrors.badRollout(index, "its prompt is empty");
    }
    if (responseIds == null || responseIds.length == 0) {
      throw TrainErrors.badRollout(index, "its response is empty (nothing to train on)");
    }
    checkIds(index, "prompt", promptIds, vocabSize);
    checkIds(index, "response", responseIds, vocabSize);
  }

  private static void checkIds(int index, String which, int[] ids, int vocabSize) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || (vocabSize > 0 && ids[i] >= vocabSize)) {
        throw TrainErrors.badRollout(index, which + " token " + i + " is id " + ids[i]
            + ", outside the model's vocabulary [0, " + vocabSize + ")");
      }
    }
  }
}
