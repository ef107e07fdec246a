package io.longctx.policy.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns BPE merges from a corpus (the classic algorithm over pre-token types): split every text into Qwen2
 * pre-tokens, count each distinct pre-token, then repeatedly join the most frequent adjacent pair of symbols
 * within the pre-tokens until the vocabulary has the requested size or no pair occurs {@code minFrequency}
 * times. Ties go to the pair with the smaller (left, right) ids, so the result depends only on the corpus.
 */
public final class BpeTrainer {
  private final int vocabSize;
  private final int minFrequency;
  private final Map<String, Long> counts = new LinkedHashMap<>();

  /**
   * @param vocabSize the total vocabulary wanted, bytes and the two special tokens included (at least 258)
   * @param minFrequency a pair must occur at least this often to be merged
   */
  public BpeTrainer(int vocabSize, int minFrequency) {
    if (vocabSize < BpeTokenizer.FIRST_MERGE) {
      throw new IllegalArgumentException(
          "BPE vocabulary size must be at least " + BpeTokenizer.FIRST_MERGE + " (bytes + specials), got " + vocabSize);
    }
    if (minFrequency < 1) {
      throw new IllegalArgumentException("BPE min frequency must be at least 1, got " + minFrequency);
    }
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
  }

  /** Adds one text of the corpus. */
  public BpeTrainer add(String text) {
    for (String p : BpeTokenizer.preTokens(text)) {
      counts.merge(p, 1L, Long::sum);
    }
    return this;
  }

  public BpeTrainer addAll(Iterable<String> texts) {
    texts.forEach(this::add);
    return this;
  }

  /** Learns the merges and returns the tokenizer. */
  public BpeTokenizer train() {
    List<int[]> words = new ArrayList<>(counts.size());
    long[] freq = new long[counts.size()];
    int w = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      words.add(ByteTokenizer.byteIds(e.getKey()));
      freq[w++] = e.getValue();
    }
    List<int[]> merges = new ArrayList<>();
    int[] lengths = words.stream().mapToInt(a -> a.length).toArray();
    while (BpeTokenizer.FIRST_MERGE + merges.size() < vocabSize) {
      Map<Long, Long> pairs = new HashMap<>();
      for (int i = 0; i < words.size(); i++) {
        int[] ids = words.get(i);
        for (int j = 0; j + 1 < lengths[i]; j++) {
          pairs.merge(((long) ids[j] << 32) | ids[j + 1], freq[i], Long::sum);
        }
      }
      long bestKey = -1;
      long bestCount = 0;
      for (Map.Entry<Long, Long> e : pairs.entrySet()) {
        long c = e.getValue();
        if (c > bestCount || (c == bestCount && Long.compareUnsigned(e.getKey(), bestKey) < 0)) {
          bestCount = c;
          bestKey = e.getKey();
        }
      }
      if (bestKey < 0 || bestCount < minFrequency) {
        break;
      }
      int left = (int) (bestKey >>> 32);
      int right = (int) bestKey;
      int id = BpeTokenizer.FIRST_MERGE + merges.size();
      merges.add(new int[] {left, right});
      for (int i = 0; i < words.size(); i++) {
        int[] ids = words.get(i);
        int n = lengths[i];
        int out = 0;
        for (int j = 0; j < n; j++) {
          if (j + 1 < n && ids[j] == left && ids[j + 1] == right) {
            ids[out++] = id;
            j++;
          } else {
            ids[out++] = ids[j];
          }
        }
        lengths[i] = out;
      }
    }
    return new BpeTokenizer(merges);
  }
}
