package io.longctx.rewards;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * An LLM judge: decides whether a predicted answer and the gold answer to a question are equivalent, using
 * {@link JudgePrompt}. Implementations are serializable so Spark can ship them to executors; they must never
 * throw for a single bad answer or a failed request: such a request yields {@link JudgeVerdict#ERROR} or
 * {@link JudgeVerdict#UNPARSEABLE} (score 0, counted). Backends: the OpenAI-compatible HTTP client from
 * {@link Judges#openAi}; an in-process judge model lives with the policy engine (it implements this interface).
 */
public interface Judge extends Serializable {

  /** One question to the judge: Answer 1 is the model's, Answer 2 the gold. */
  record Request(String question, String predicted, String gold) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** The judge's verdict and its raw reply (null when the request failed). */
  record Result(JudgeVerdict verdict, String reply) implements Serializable {
    private static final long serialVersionUID = 1L;

    public double score() {
      return verdict.score();
    }
  }

  /** Judges one request. */
  Result judge(Request request);

  /**
   * Judges a batch; results in request order. The default asks one at a time; backends that can overlap
   * requests (the HTTP judge) override it.
   */
  default List<Result> judgeAll(List<Request> requests) {
    List<Result> out = new ArrayList<>(requests.size());
    for (Request r : requests) {
      out.add(judge(r));
    }
    return out;
  }
}
