package io.longctx.transforms.synth;

/**
 * Single-fact retrieval: {@code The code of Karomi is 4821.} hidden at a random position; the question names
 * the entity and the relation, so the answer is the value that follows the name (induction-head friendly). The
 * trace quotes the fact sentence verbatim.
 */
final class RetrievalTask {
  private RetrievalTask() {}

  static Draft draft(TaskContext ctx) {
    return draft(ctx, new Draft());
  }

  /**
   * The same question among at least one same-template fact about another entity: the record's similarity is the
   * config's, raised to 1 where it is 0 (the distractor count then follows {@code synth.distractors-per-kchar}).
   */
  static Draft draftAmongDistractors(TaskContext ctx) {
    Draft d = new Draft();
    d.similarity = Math.max(1, ctx.similarity());
    return draft(ctx, d);
  }

  private static Draft draft(TaskContext ctx, Draft d) {
    String relation = Lexicon.pick(ctx.rng, Lexicon.VALUE_RELATIONS);
    String entity = ctx.pool.name();
    int value = ctx.pool.value();
    int distractors = ctx.settle(d, "What is the " + relation + " of " + entity + "?");
    double position = ctx.rng.nextDouble();
    d.anchor(Draft.Item.sentence(Draft.fact(relation, entity, value)), position);
    d.answer = Integer.toString(value);
    // the reasoning quotes the fact as the document states it, so the value follows "of <Entity> is" as it does
    // there: copying it is a plain induction step
    d.trace = Draft.answerTrace(Draft.fact(relation, entity, value), d.answer);
    for (int i = 0; i < distractors; i++) {
      d.distractors.add(Draft.Item.sentence(distractor(ctx, d.similarity(ctx.similarity()), relation, entity, value,
          i)));
    }
    return d;
  }

  private static String distractor(TaskContext ctx, int similarity, String relation, String entity, int value,
      int i) {
    if (similarity >= 2) {
      switch (i % 3) {
        case 0:
          return Draft.fact(relation, ctx.pool.nearName(entity), ctx.pool.nearValue(value));
        case 1:
          String other = otherRelation(relation, i / 3);
          if (other != null) {
            return Draft.fact(other, entity, ctx.pool.value());
          }
          break;
        default:
          break;
      }
    }
    return Draft.fact(Lexicon.pick(ctx.rng, Lexicon.VALUE_RELATIONS), ctx.pool.name(), ctx.pool.value());
  }

  /** The k-th value relation other than {@code relation}, or null: an entity has one fact per relation. */
  private static String otherRelation(String relation, int k) {
    int seen = 0;
    for (String r : Lexicon.VALUE_RELATIONS) {
      if (!r.equals(relation) && seen++ == k) {
        return r;
      }
    }
    return null;
  }
}
