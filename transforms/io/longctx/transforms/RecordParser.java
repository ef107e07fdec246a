package io.longctx.transforms;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses and validates one JSON record (verl/QwenLong-L1 layout or plain layout) into sample fields. Not
 * thread-safe (holds a mapper); one per partition.
 */
final class RecordParser {
  static final String DEFAULT_ABILITY = "doc-qa";
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d{1,3}(,\\d{3})+|\\d+)?(\\.\\d+)?([eE][-+]?\\d+)?%?");
  private static final Pattern CHOICE = Pattern.compile("\\(?([A-Da-d])\\)?");

  private final ObjectMapper json = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final List<String> choiceMarkers;
  private final List<String> numericMarkers;

  RecordParser(List<String> choiceMarkers, List<String> numericMarkers) {
    this.choiceMarkers = choiceMarkers;
    this.numericMarkers = numericMarkers;
  }

  /** A rejected record. */
  static final class Rejected extends Exception {
    final ReasonCode reason;

    Rejected(ReasonCode reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  /** The validated fields of one sample. */
  record Sample(
      String sampleId, String dataSource, String ability, PromptTemplate.Parts parts, String answer, String trace,
      String task, String difficulty) {}

  Sample parse(String text) throws Rejected {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Rejected(ReasonCode.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
    }
    if (root == null || !root.isObject()) {
      String kind = root == null || root.isNull() ? "null" : root.getNodeType().name().toLowerCase(Locale.ROOT);
      throw new Rejected(ReasonCode.NOT_AN_OBJECT, "record is a JSON " + kind + "; expected an object");
    }
    if (root.isEmpty()) {
      throw new Rejected(ReasonCode.EMPTY_RECORD, "record is an empty object");
    }
    Sample s;
    if (root.has("prompt") || root.has("reward_model")) {
      s = verl(root);
    } else if (root.has("context") || root.has("question") || root.has("answer") || root.has("document")) {
      s = plain(root);
    } else {
      List<String> names = new ArrayList<>();
      root.fieldNames().forEachRemaining(names::add);
      throw new Rejected(ReasonCode.UNKNOWN_LAYOUT, "fields " + names + " match neither the verl layout (data_source,"
          + " prompt, ability, reward_model, extra_info) nor the plain layout (id, context, question, answer, source)");
    }
    check(s);
    return s;
  }

  private Sample plain(JsonNode r) throws Rejected {
    String id = id(r, r.has("id") || !r.has("sample_id") ? "id" : "sample_id");
    String source = string(r, r.has("source") || !r.has("data_source") ? "source" : "data_source", true);
    String context = string(r, r.has("context") || !r.has("document") ? "context" : "document", true);
    String question = string(r, "question", true);
    String answer = scalar(r, "answer");
    String ability = Optional.ofNullable(string(r, "ability", false)).orElse(DEFAULT_ABILITY);
    PromptTemplate.Parts parts =
        PromptTemplate.build(context, question, PromptTemplate.matches(source, choiceMarkers));
    return new Sample(id, source, ability, parts, answer, string(r, "trace", false), string(r, "task", false),
        difficulty(r));
  }

  private Sample verl(JsonNode r) throws Rejected {
    String source = string(r, "data_source", true);
    JsonNode prompt = r.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw new Rejected(ReasonCode.MISSING_FIELD, "missing field 'prompt'");
    }
    if (!prompt.isArray()) {
      throw new Rejected(ReasonCode.WRONG_TYPE, "field 'prompt' must be a list of {role, content}, got "
          + type(prompt));
    }
    String user = null;
    for (JsonNode m : prompt) {
      if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw new Rejected(ReasonCode.WRONG_TYPE, "every 'prompt' entry must be {role: string, content: string}");
      }
      if ("user".equals(m.get("role").asText())) {
        user = m.get("content").asText();
      }
    }
    if (user == null) {
      throw new Rejected(ReasonCode.BAD_PROMPT, "'prompt' has no user message");
    }
    PromptTemplate.Parts parts = PromptTemplate.recover(user).orElseThrow(() -> new Rejected(ReasonCode.BAD_PROMPT,
        "the user message has no <text>...</text> document block, so the document cannot be recovered"));
    JsonNode reward = object(r, "reward_model");
    String answer = scalar(reward, "ground_truth", "reward_model.ground_truth");
    JsonNode extra = object(r, "extra_info");
    String index = id(extra, "index", "extra_info.index");
    String ability = Optional.ofNullable(string(r, "ability", false)).orElse(DEFAULT_ABILITY);
    return new Sample(source + "-" + index, source, ability, parts, answer, string(r, "trace", false),
        string(r, "task", false), difficulty(r));
  }

  private void check(Sample s) throws Rejected {
    text("data_source", s.dataSource());
    text("question", s.parts().question());
    text("document", s.parts().document());
    text("answer", s.answer());
    text("sample id", s.sampleId());
    if (s.parts().document().isBlank()) {
      throw new Rejected(ReasonCode.EMPTY_DOCUMENT, "the document is empty");
    }
    if (s.parts().question().isBlank()) {
      throw new Rejected(ReasonCode.EMPTY_QUESTION, "the question is empty");
    }
    if (s.answer().isBlank()) {
      throw new Rejected(ReasonCode.EMPTY_ANSWER, "the gold answer is empty");
    }
    String gold = s.answer().strip();
    if (PromptTemplate.matches(s.dataSource(), numericMarkers)
        && (!NUMBER.matcher(gold).matches() || gold.chars().noneMatch(Character::isDigit))) {
      throw new Rejected(ReasonCode.UNANSWERABLE_GOLD,
          "numeric source '" + s.dataSource() + "' needs a number as gold, got '" + abbreviate(gold) + "'");
    }
    if (PromptTemplate.matches(s.dataSource(), choiceMarkers) && !CHOICE.matcher(gold).matches()) {
      throw new Rejected(ReasonCode.UNANSWERABLE_GOLD,
          "multiple-choice source '" + s.dataSource() + "' needs a letter A-D as gold, got '" + abbreviate(gold) + "'");
    }
  }

  /** The gold as stored: multiple-choice golds as a bare upper-case letter, others stripped. */
  String normalizedAnswer(Sample s) {
    String gold = s.answer().strip();
    if (PromptTemplate.matches(s.dataSource(), choiceMarkers)) {
      var m = CHOICE.matcher(gold);
      if (m.matches()) {
        return m.group(1).toUpperCase(Locale.ROOT);
      }
    }
    return gold;
  }

  /** Rejects NUL and other C0 controls (except tab, newline, carriage return) and unpaired surrogates. */
  private static void text(String field, String v) throws Rejected {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        throw new Rejected(ReasonCode.INVALID_TEXT,
            field + " holds control character U+" + String.format("%04X", (int) c) + " at offset " + i);
      }
      if (Character.isHighSurrogate(c) && (i + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(i + 1)))
          || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(v.charAt(i - 1)))) {
        throw new Rejected(ReasonCode.INVALID_TEXT, field + " holds an unpaired surrogate at offset " + i);
      }
    }
  }

  private static String string(JsonNode r, String field, boolean required) throws Rejected {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new Rejected(ReasonCode.MISSING_FIELD, "missing field '" + field + "'");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new Rejected(ReasonCode.WRONG_TYPE, "field '" + field + "' must be a string, got " + type(v));
    }
    return v.asText();
  }

  private static String scalar(JsonNode r, String field) throws Rejected {
    return scalar(r, field, field);
  }

  /** A string or a number (a gold answer may be written as a JSON number). */
  private static String scalar(JsonNode r, String field, String name) throws Rejected {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) {
      throw new Rejected(ReasonCode.MISSING_FIELD, "missing field '" + name + "'");
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return v.asText();
    }
    throw new Rejected(ReasonCode.WRONG_TYPE, "field '" + name + "' must be a string or a number, got " + type(v));
  }

  private static String id(JsonNode r, String field) throws Rejected {
    return id(r, field, field);
  }

  /** An id: a non-empty string or an integer. */
  private static String id(JsonNode r, String field, String name) throws Rejected {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) {
      throw new Rejected(ReasonCode.MISSING_FIELD, "missing field '" + name + "'");
    }
    if (v.isTextual() && !v.asText().isBlank()) {
      return v.asText().strip();
    }
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    throw new Rejected(ReasonCode.WRONG_TYPE, "field '" + name + "' must be a non-empty string or an integer, got "
        + (v.isTextual() ? "an empty string" : type(v)));
  }

  private static JsonNode object(JsonNode r, String field) throws Rejected {
    JsonNode v = r.get(field);
    if (v == null || v.isNull()) {
      throw new Rejected(ReasonCode.MISSING_FIELD, "missing field '" + field + "'");
    }
    if (!v.isObject()) {
      throw new Rejected(ReasonCode.WRONG_TYPE, "field '" + field + "' must be an object, got " + type(v));
    }
    return v;
  }

  /** {@code difficulty}: absent, or a flat object of numbers, kept as its JSON text. */
  private String difficulty(JsonNode r) throws Rejected {
    JsonNode v = r.get("difficulty");
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      // Parquet/Delta inputs may hold it as JSON text already.
      try {
        v = json.readTree(v.asText());
      } catch (JsonProcessingException e) {
        throw new Rejected(ReasonCode.WRONG_TYPE, "field 'difficulty' is a string that is not a JSON object");
      }
    }
    if (!v.isObject()) {
      throw new Rejected(ReasonCode.WRONG_TYPE, "field 'difficulty' must be an object of numbers, got " + type(v));
    }
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!v.get(k).isNumber()) {
        throw new Rejected(ReasonCode.WRONG_TYPE,
            "field 'difficulty." + k + "' must be a number, got " + type(v.get(k)));
      }
    }
    return v.toString();
  }

  private static String type(JsonNode v) {
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
