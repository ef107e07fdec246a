package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Field mapping from each published layout to {@link EvalItem}. Documents are joined exactly as the QwenLong-L1
 * evaluation joins them. A record that does not fit its layout raises {@link BadRecord} with the reason.
 */
final class Layouts {
  private Layouts() {}

  /** A record that does not fit its layout. */
  static final class BadRecord extends Exception {
    BadRecord(String reason) {
      super(reason, null, false, false);
    }
  }

  static EvalItem parse(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    if (!n.isObject()) {
      throw new BadRecord("record is not a JSON object");
    }
    return switch (b.layout()) {
      case DOCMATH -> docMath(b, n, fallbackId);
      case FRAMES -> frames(b, n, fallbackId);
      case LONGBENCH -> longBench(b, n, fallbackId);
      case PLAIN -> plain(b, n, fallbackId);
    };
  }

  /** DocMath-Eval: {@code question_id}, {@code question}, {@code paragraphs[]}, {@code ground_truth} (number). */
  private static EvalItem docMath(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    String question = text(n, "question");
    List<String> paragraphs = strings(n, "paragraphs");
    JsonNode gt = n.get("ground_truth");
    if (gt == null || gt.isNull()) {
      throw new BadRecord("missing field 'ground_truth' (hidden in the DocMath test split: use the testmini files)");
    }
    String gold;
    if (gt.isNumber()) {
      gold = gt.asText();
    } else if (gt.isTextual() && gt.asText().trim().matches("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")) {
      gold = gt.asText().trim();
    } else {
      throw new BadRecord("field 'ground_truth' must be a number, got " + describe(gt));
    }
    return new EvalItem(
        b.key(), optId(n, "question_id", fallbackId), b.dataSource(), question, String.join("\n", paragraphs),
        List.of(gold));
  }

  /** Frames: {@code Prompt}, {@code Answer}, {@code wiki_items[{title, text}]}. */
  private static EvalItem frames(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    String question = text(n, "Prompt");
    String answer = text(n, "Answer");
    JsonNode items = n.get("wiki_items");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new BadRecord("field 'wiki_items' must be a non-empty list of {title, text}, got " + describe(items));
    }
    List<String> pages = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode page = items.get(i);
      if (!page.isObject() || !page.path("title").isTextual() || !page.path("text").isTextual()) {
        throw new BadRecord("wiki_items[" + i + "] must be an object with string fields 'title' and 'text'");
      }
      pages.add(page.get("title").asText() + "\n" + page.get("text").asText());
    }
    String id = optId(n, "_id", optId(n, "id", optId(n, "Unnamed: 0", fallbackId)));
    return new EvalItem(b.key(), id, b.dataSource(), question, String.join("\n", pages), List.of(answer));
  }

  /** LongBench v1: {@code _id}, {@code dataset}, {@code context}, {@code input}, {@code answers[]}. */
  private static EvalItem longBench(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    JsonNode dataset = n.get("dataset");
    if (dataset != null && dataset.isTextual() && !dataset.asText().equals(b.key())) {
      throw new BadRecord(
          "record says dataset '" + dataset.asText() + "' but the file is configured as benchmark '" + b.key() + "'");
    }
    String context = text(n, "context");
    String input = text(n, "input");
    List<String> answers = strings(n, "answers");
    return new EvalItem(b.key(), optId(n, "_id", fallbackId), b.dataSource(), input, context, answers);
  }

  /** The synthetic generator's plain layout: {@code id}, {@code context}, {@code question}, {@code answer},
   * {@code source}. */
  private static EvalItem plain(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    String context = text(n, "context");
    String question = text(n, "question");
    String source = text(n, "source");
    JsonNode answer = n.get("answer");
    if (answer == null || !(answer.isTextual() || answer.isNumber()) || answer.asText().isBlank()) {
      throw new BadRecord("field 'answer' must be a non-empty string or number, got " + describe(answer));
    }
    return new EvalItem(b.key(), optId(n, "id", fallbackId), source, question, context, List.of(answer.asText()));
  }

  private static String text(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field '" + field + "'");
    }
    if (!v.isTextual()) {
      throw new BadRecord("field '" + field + "' must be a string, got " + describe(v));
    }
    if (v.asText().isBlank()) {
      throw new BadRecord("field '" + field + "' is empty");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode n, String field) throws BadRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new BadRecord("missing field '" + field + "'");
    }
    if (!v.isArray() || v.isEmpty()) {
      throw new BadRecord("field '" + field + "' must be a non-empty list of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw new BadRecord(field + "[" + i + "] must be a string, got " + describe(v.get(i)));
      }
      out.add(v.get(i).asText());
    }
    if (out.stream().allMatch(String::isBlank)) {
      throw new BadRecord("field '" + field + "' holds only empty strings");
    }
    return out;
  }

  private static String optId(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v != null && (v.isTextual() || v.isIntegralNumber()) && !v.asText().isBlank() ? v.asText() : fallback;
  }

  private static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nothing";
    }
    String s = v.toString();
    return v.getNodeType().name().toLowerCase() + " " + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
  }
}
