package io.longctx.policy.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sequence bookkeeping of a generation on the Java side: generated ids, log-probs, stop detection. Sequences
 * are numbered by their index in the prompt list; callers pass, for each batch row, the sequence it holds.
 */
final class Sequences {
  private final List<int[]> prompts;
  private final GenerationConfig config;
  private final int[][] tokens;
  private final float[][] logProbs;
  private final int[] lengths;
  private final FinishReason[] finished;
  private final int[] lastToken;
  private final int stopWindow;

  Sequences(List<int[]> prompts, GenerationConfig config) {
    this.prompts = prompts;
    this.config = config;
    int b = prompts.size();
    tokens = new int[b][config.maxNewTokens()];
    logProbs = new float[b][config.maxNewTokens()];
    lengths = new int[b];
    finished = new FinishReason[b];
    lastToken = new int[b];
    int longest = config.stopStrings().stream().mapToInt(String::length).max().orElse(0);
    stopWindow = 4 * longest + 4;
  }

  /** Records the tokens sampled for batch rows {@code rows} (prompt indices). */
  void record(Sampler.Choice choice, int[] rows) {
    for (int r = 0; r < rows.length; r++) {
      int i = rows[r];
      lastToken[i] = choice.tokens()[r];
      if (finished[i] != null) {
        continue;
      }
      int t = choice.tokens()[r];
      tokens[i][lengths[i]] = t;
      logProbs[i][lengths[i]] = choice.logProbs()[r];
      lengths[i]++;
      if (isStopToken(t) || hitsStopString(i)) {
        finished[i] = FinishReason.STOP;
      } else if (lengths[i] == config.maxNewTokens()) {
        finished[i] = FinishReason.LENGTH;
      }
    }
  }

  /** Positions (into {@code rows}) of the batch rows whose sequence is still running. */
  int[] activeRows(int[] rows) {
    return java.util.stream.IntStream.range(0, rows.length).filter(r -> finished[rows[r]] == null).toArray();
  }

  private boolean isStopToken(int t) {
    for (int s : config.stopTokenIds()) {
      if (s == t) {
        return true;
      }
    }
    return false;
  }

  private boolean hitsStopString(int i) {
    if (config.stopStrings().isEmpty()) {
      return false;
    }
    int from = Math.max(0, lengths[i] - stopWindow);
    String tail = config.decoder().apply(Arrays.copyOfRange(tokens[i], from, lengths[i]));
    for (String s : config.stopStrings()) {
      if (tail.contains(s)) {
        return true;
      }
    }
    return false;
  }

  boolean allDone() {
    for (FinishReason f : finished) {
      if (f == null) {
        return false;
      }
    }
    return true;
  }

  int[] nextInput(int[] rows, int pad) {
    int[] ids = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      ids[r] = finished[rows[r]] == null ? lastToken[rows[r]] : pad;
    }
    return ids;
  }

  int[] nextPositions(int[] rows) {
    int[] pos = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      pos[r] = prompts.get(rows[r]).length + lengths[rows[r]] - 1;
    }
    return pos;
  }

  List<Generation> results() {
    List<Generation> out = new ArrayList<>(tokens.length);
    for (int i = 0; i < tokens.length; i++) {
      FinishReason reason = finished[i] == null ? FinishReason.LENGTH : finished[i];
      out.add(new Generation(prompts.get(i).clone(), Arrays.copyOf(tokens[i], lengths[i]),
          Arrays.copyOf(logProbs[i], lengths[i]), reason));
    }
    return out;
  }

  /** The token sampled last for sequence {@code i}. */
  int lastToken(int i) {
    return lastToken[i];
  }

  /** Whether sequence {@code i} has finished. */
  boolean isDone(int i) {
    return finished[i] != null;
  }
}
