package io.longctx.policy.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longctx.policy.PolicyErrors;
import java.util.List;

/**
 * Prompts and responses laid out for one batched forward pass: prompts left-padded to a common length
 * {@code promptLength}, responses right-padded to {@code responseLength}, so every response starts at column
 * {@code promptLength}.
 *
 * @param ids {@code [batch][promptLength + responseLength]} token ids, padding filled with the pad id
 * @param attentionMask 1 for real tokens, 0 for padding, same layout
 * @param responseMask {@code [batch][responseLength]}, 1 for real response tokens
 */
public record PaddedBatch(int[][] ids, int[][] attentionMask, int[][] responseMask, int promptLength, int responseLength) {

  /** Lays out {@code prompts.get(i)} followed by {@code responses.get(i)}; prompts must not be empty. */
  public static PaddedBatch of(List<int[]> prompts, List<int[]> responses, int padId) {
    if (prompts.size() != responses.size() || prompts.isEmpty()) {
      throw PolicyErrors.badRequest(
          "need as many responses as prompts (and at least one), got " + prompts.size() + " and " + responses.size());
    }
    int p = 0;
    int r = 0;
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i).length == 0) {
        throw PolicyErrors.badRequest("prompt " + i + " is empty; every sequence needs at least one prompt token");
      }
      p = Math.max(p, prompts.get(i).length);
      r = Math.max(r, responses.get(i).length);
    }
    int b = prompts.size();
    int[][] ids = new int[b][p + r];
    int[][] mask = new int[b][p + r];
    int[][] rmask = new int[b][r];
    for (int i = 0; i < b; i++) {
      int[] prompt = prompts.get(i);
      int[] resp = responses.get(i);
      java.util.Arrays.fill(ids[i], padId);
      System.arraycopy(prompt, 0, ids[i], p - prompt.length, prompt.length);
      System.arraycopy(resp, 0, ids[i], p, resp.length);
      for (int j = p - prompt.length; j < p + resp.length; j++) {
        mask[i][j] = 1;
      }
      for (int j = 0; j < resp.length; j++) {
        rmask[i][j] = 1;
      }
    }
    return new PaddedBatch(ids, mask, rmask, p, r);
  }

  public int batchSize() {
    return ids.length;
  }

  /** {@code ids} and {@code attentionMask} as int32 arrays on {@code manager}. */
  public NDList toArrays(NDManager manager) {
    return new NDList(toArray(ids, manager), toArray(attentionMask, manager));
  }

  /** {@code responseMask} as a float32 array on {@code manager}. */
  public NDArray responseMaskArray(NDManager manager) {
    return toArray(responseMask, manager).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
  }

  static NDArray toArray(int[][] rows, NDManager manager) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    int[] flat = new int[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return manager.create(flat, new Shape(rows.length, cols));
  }
}
