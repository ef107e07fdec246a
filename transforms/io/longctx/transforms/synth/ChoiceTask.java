package io.longctx.transforms.synth;

/**
 * Multiple choice (long_toc_choices-like): {@code The city of Karomi is Tavelo.} somewhere in the document;
 * the question lists four cities as options (A)-(D) and the gold is the letter of the right one. At distractor
 * similarity 0 the wrong options appear nowhere in the document; at 1 they are the cities of other entities in
 * the document; at 2 they are near-identical names, stated for near-identical entities.
 */
final class ChoiceTask {
  static final String LETTERS = "ABCD";

  private ChoiceTask() {}

  static Draft draft(TaskContext ctx) {
    Draft d = new Draft();
    String entity = ctx.pool.name();
    String city = ctx.pool.name();
    int correct = ctx.rng.nextInt(4);
    String[] options = new String[4];
    String[] owners = new String[4];
    for (int i = 0; i < 4; i++) {
      if (i == correct) {
        options[i] = city;
      } else if (ctx.similarity() >= 2) {
        options[i] = ctx.pool.nearName(city);
        owners[i] = ctx.pool.nearName(entity);
      } else {
        options[i] = ctx.pool.name();
        owners[i] = ctx.similarity() == 1 ? ctx.pool.name() : null;
      }
    }
    StringBuilder q = new StringBuilder("Which is the ").append(Lexicon.CITY).append(" of ").append(entity).append('?');
    for (int i = 0; i < 4; i++) {
      q.append("\n(").append(LETTERS.charAt(i)).append(") ").append(options[i]);
    }
    int distractors = ctx.settle(d, q.toString());
    String letter = String.valueOf(LETTERS.charAt(correct));
    d.anchor(Draft.Item.sentence(Draft.fact(Lexicon.CITY, entity, city)), ctx.rng.nextDouble());
    d.answer = letter;
    d.trace = Draft.choiceTrace(entity + " " + Lexicon.CITY + " " + city + ", option " + letter + ".", letter);
    int added = 0;
    for (int i = 0; i < 4; i++) {
      if (owners[i] != null) {
        d.distractors.add(Draft.Item.sentence(Draft.fact(Lexicon.CITY, owners[i], options[i])));
        added++;
      }
    }
    for (; added < distractors; added++) {
      d.distractors.add(Draft.Item.sentence(Draft.fact(Lexicon.CITY, ctx.pool.name(), ctx.pool.name())));
    }
    d.difficulty.put("correct_option", correct);
    return d;
  }
}
