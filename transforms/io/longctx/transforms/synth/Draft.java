package io.longctx.transforms.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a task contributes to one record before the document is assembled: the question, the gold, the trace,
 * the facts that must appear at given relative positions (in order), the distractor facts (placed anywhere) and
 * the task's knob values.
 */
final class Draft {
  /** A document piece: a sentence, or a block (a table) that stands in its own paragraph. */
  record Item(String text, boolean block) {
    static Item sentence(String text) {
      return new Item(text, false);
    }
  }

  final List<Item> anchored = new ArrayList<>();
  final List<Double> positions = new ArrayList<>();
  final List<Item> distractors = new ArrayList<>();
  final Map<String, Number> difficulty = new LinkedHashMap<>();
  String question;
  String answer;
  String trace;
  int targetDocChars;
  /** The distractor similarity this record used when the task sets its own; -1 = the config's. */
  int similarity = -1;

  /** The distractor similarity this record was drawn with. */
  int similarity(int configured) {
    return similarity < 0 ? configured : similarity;
  }

  void anchor(Item item, double position) {
    anchored.add(item);
    positions.add(position);
  }

  static String fact(String relation, String entity, Object value) {
    return "The " + relation + " of " + entity + " is " + value + ".";
  }

  /** A trace for free-form answers: short reasoning, then the phrase the rule verifiers extract. */
  static String answerTrace(String reasoning, String answer) {
    return "<think>\n" + reasoning + "\n</think>\n\nTherefore, the answer is " + answer + ".";
  }

  /** A trace for multiple choice: short reasoning, then "The correct answer is (X)." */
  static String choiceTrace(String reasoning, String letter) {
    return "<think>\n" + reasoning + "\n</think>\n\nThe correct answer is (" + letter + ").";
  }
}
