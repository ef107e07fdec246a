package io.longctx.transforms.synth;

import java.util.HashSet;
import java.util.Set;

/**
 * Multi-hop chains (Frames/MuSiQue-like): {@code The mentor of Karomi is Tavelo.} ... {@code The friend of
 * Tavelo is Lusine.}, asked as {@code Who is the friend of the mentor of Karomi?}. The hop facts appear in chain
 * order, spread over {@code hop-distance} of the document; the gold is the last entity of the chain.
 */
final class MultihopTask {
  private MultihopTask() {}

  static Draft draft(TaskContext ctx) {
    Draft d = new Draft();
    int hops = ctx.config.hops();
    String[] entities = new String[hops + 1];
    String[] relations = new String[hops + 1];
    for (int i = 0; i <= hops; i++) {
      entities[i] = ctx.pool.name();
    }
    StringBuilder question = new StringBuilder("Who is the ");
    for (int i = hops; i >= 1; i--) {
      relations[i] = Lexicon.pick(ctx.rng, Lexicon.LINK_RELATIONS);
    }
    question.append(relations[hops]);
    for (int i = hops - 1; i >= 1; i--) {
      question.append(" of the ").append(relations[i]);
    }
    question.append(" of ").append(entities[0]).append('?');
    int distractors = ctx.settle(d, question.toString());

    double span = ctx.config.hopDistance();
    double start = hops == 1 ? ctx.rng.nextDouble() : ctx.rng.nextDouble() * (1 - span);
    Set<String> used = new HashSet<>();
    StringBuilder reasoning = new StringBuilder();
    for (int i = 1; i <= hops; i++) {
      double position = hops == 1 ? start : start + span * (i - 1) / (hops - 1);
      d.anchor(Draft.Item.sentence(Draft.fact(relations[i], entities[i - 1], entities[i])), position);
      used.add(relations[i] + "|" + entities[i - 1]);
      if (i > 1) {
        reasoning.append(' ');
      }
      reasoning.append(entities[i - 1]).append(' ').append(relations[i]).append(' ').append(entities[i]).append('.');
    }
    d.answer = entities[hops];
    d.trace = Draft.answerTrace(reasoning.toString(), d.answer);
    for (int j = 0; j < distractors; j++) {
      d.distractors.add(Draft.Item.sentence(distractor(ctx, entities, relations, used, j)));
    }
    d.difficulty.put("hops", hops);
    d.difficulty.put("hop_distance", span);
    return d;
  }

  private static String distractor(TaskContext ctx, String[] entities, String[] relations, Set<String> used, int j) {
    int hops = relations.length - 1;
    int step = 1 + (j / 3) % hops;
    if (ctx.similarity() >= 2) {
      if (j % 3 == 0) {
        // the same relation from a near-identical name, to a near-identical entity
        return Draft.fact(relations[step], ctx.pool.nearName(entities[step - 1]), ctx.pool.nearName(entities[step]));
      }
      if (j % 3 == 1) {
        // another relation of a chain entity: right entity, wrong link
        for (String r : Lexicon.LINK_RELATIONS) {
          if (used.add(r + "|" + entities[step - 1])) {
            return Draft.fact(r, entities[step - 1], ctx.pool.name());
          }
        }
      }
    }
    return Draft.fact(Lexicon.pick(ctx.rng, Lexicon.LINK_RELATIONS), ctx.pool.name(), ctx.pool.name());
  }
}
