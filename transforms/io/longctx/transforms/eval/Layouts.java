package io.longctx.transforms.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Field mapping from each published layout to {@link EvalItem}. Documents are joined exactly as the QwenLong-L1
 * evaluation joins them. A file's layout is told from its columns ({@link #detect}); a record that does not fit
 * its layout raises {@link BadRecord} with the reason.
 */
final class Layouts {
  private Layouts() {}

  /** One published file layout of a benchmark: its name and the columns that identify it. */
  enum FileLayout {
    DOCMATH("DocMath-Eval testmini", List.of("question", "paragraphs", "ground_truth")),
    FRAMES_QWENLONG("QwenLong-L1's Frames JSON lines", List.of("Prompt", "Answer", "wiki_items")),
    FRAMES_PUBLISHED("google/frames-benchmark test.tsv", List.of("Prompt", "Answer", "wiki_links")),
    FRAMES_PUBLISHED_LINKS("google/frames-benchmark test.tsv without wiki_links",
        List.of("Prompt", "Answer", "wikipedia_link_1")),
    LONGBENCH("LongBench v1", List.of("input", "context", "answers")),
    LONGBENCH_V2("LongBench v2", List.of("_id", "question", "choice_A", "choice_B", "choice_C", "choice_D",
        "answer", "context")),
    MRCR("OpenAI MRCR", List.of("prompt", "answer", "random_string_to_prepend")),
    PLAIN("the plain layout", List.of("context", "question", "answer", "source"));

    final String title;
    final List<String> columns;

    FileLayout(String title, List<String> columns) {
      this.title = title;
      this.columns = columns;
    }

    boolean fits(Collection<String> found) {
      return found.containsAll(columns);
    }

    @Override
    public String toString() {
      return title + " " + columns;
    }
  }

  /** The layouts a benchmark's files may come in. */
  static List<FileLayout> layoutsOf(Benchmark b) {
    return switch (b.layout()) {
      case DOCMATH -> List.of(FileLayout.DOCMATH);
      case FRAMES ->
          List.of(FileLayout.FRAMES_QWENLONG, FileLayout.FRAMES_PUBLISHED, FileLayout.FRAMES_PUBLISHED_LINKS);
      case LONGBENCH -> List.of(FileLayout.LONGBENCH);
      case LONGBENCH_V2 -> List.of(FileLayout.LONGBENCH_V2);
      case MRCR -> List.of(FileLayout.MRCR);
      case PLAIN -> List.of(FileLayout.PLAIN);
    };
  }

  /** The first layout of the benchmark that the columns fit, or null. */
  static FileLayout detect(Benchmark b, Collection<String> columns) {
    for (FileLayout l : layoutsOf(b)) {
      if (l.fits(columns)) {
        return l;
      }
    }
    return null;
  }

  /** "A [x, y] or B [z]", for messages. */
  static String describe(List<FileLayout> layouts) {
    return layouts.stream().map(FileLayout::toString).collect(Collectors.joining(" or "));
  }

  /** Where a published Frames record's articles come from, and what went missing. */
  interface FramesArticles {
    FramesPages.Page find(String url);

    /** Records the titles of the articles missing for one item. */
    void missing(String itemId, List<String> titles);
  }

  /** A record that does not fit its layout. */
  static final class BadRecord extends Exception {
    BadRecord(String reason) {
      super(reason, null, false, false);
    }
  }

  static EvalItem parse(Benchmark b, FileLayout layout, JsonNode n, String fallbackId, FramesArticles articles)
      throws BadRecord {
    if (!n.isObject()) {
      throw new BadRecord("record is not a JSON object");
    }
    return switch (layout) {
      case DOCMATH -> docMath(b, n, fallbackId);
      case FRAMES_QWENLONG -> frames(b, n, fallbackId);
      case FRAMES_PUBLISHED, FRAMES_PUBLISHED_LINKS -> framesPublished(b, n, fallbackId, articles);
      case LONGBENCH -> longBench(b, n, fallbackId);
      case LONGBENCH_V2 -> longBenchV2(b, n, fallbackId);
      case MRCR -> mrcr(b, n, fallbackId);
      case PLAIN -> plain(b, n, fallbackId);
    };
  }

  /**
   * The published Frames file: {@code Prompt}, {@code Answer} and the links ({@link FramesPages#links}); the
   * document is the linked articles in link order, each {@code title\ntext}, joined by {@code \n}.
   */
  private static EvalItem framesPublished(Benchmark b, JsonNode n, String fallbackId, FramesArticles articles)
      throws BadRecord {
    String question = text(n, "Prompt");
    String answer = text(n, "Answer");
    String id = optId(n, "Unnamed: 0", optId(n, "id", fallbackId));
    List<String> links = FramesPages.links(n);
    if (links.isEmpty()) {
      throw new BadRecord("no Wikipedia links in 'wiki_links' or 'wikipedia_link_1' .. 'wikipedia_link_11+'");
    }
    List<String> pages = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String url : links) {
      FramesPages.Page p = articles.find(url);
      if (p == null) {
        missing.add(FramesPages.titleOf(url));
      } else {
        pages.add(p.title() + "\n" + p.text());
      }
    }
    if (!missing.isEmpty()) {
      articles.missing(id, missing);
    }
    return new EvalItem(b.key(), id, b.dataSource(), question, String.join("\n", pages), List.of(answer), null, null,
        missing.size());
  }

  /**
   * LongBench v2: the question with its four choices as LongBench v2's own prompt writes them
   * ({@code What is the correct answer to this question: Q\nChoices:\n(A) ..}); the gold is the letter.
   */
  private static EvalItem longBenchV2(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    String question = text(n, "question");
    String context = text(n, "context");
    StringBuilder q = new StringBuilder("What is the correct answer to this question: ").append(question.strip())
        .append("\nChoices:");
    for (String letter : List.of("A", "B", "C", "D")) {
      q.append("\n(").append(letter).append(") ").append(text(n, "choice_" + letter).strip());
    }
    String answer = text(n, "answer").strip();
    if (!answer.matches("[A-D]")) {
      throw new BadRecord("field 'answer' must be one of A, B, C, D, got '" + abbreviate(answer) + "'");
    }
    return new EvalItem(b.key(), optId(n, "_id", fallbackId), b.dataSource(), q.toString(), context,
        List.of(answer));
  }

  /**
   * OpenAI MRCR: {@code prompt} is a JSON list of {@code {role, content}} messages (the conversation ending with the
   * user's request), {@code answer} the expected reply, {@code random_string_to_prepend} its required prefix.
   */
  private static EvalItem mrcr(Benchmark b, JsonNode n, String fallbackId) throws BadRecord {
    String prompt = text(n, "prompt");
    String answer = text(n, "answer");
    String prefix = text(n, "random_string_to_prepend");
    JsonNode messages;
    try {
      messages = JsonRecords.MAPPER.readTree(prompt);
    } catch (JsonProcessingException e) {
      throw new BadRecord("field 'prompt' must be a JSON list of messages, but is not valid JSON: "
          + e.getOriginalMessage());
    }
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new BadRecord("field 'prompt' must be a non-empty JSON list of {role, content} messages");
    }
    String lastUser = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()
          || !List.of("system", "user", "assistant").contains(m.get("role").asText())) {
        throw new BadRecord("prompt[" + i + "] must be {role: system|user|assistant, content: string}");
      }
      if ("user".equals(m.get("role").asText())) {
        lastUser = m.get("content").asText();
      }
    }
    if (lastUser == null || !"user".equals(messages.get(messages.size() - 1).get("role").asText())) {
      throw new BadRecord("the conversation in 'prompt' must end with a user message");
    }
    String id = optId(n, "_id", optId(n, "id", fallbackId));
    return new EvalItem(b.key(), id, b.dataSource(), lastUser, "", List.of(answer), prefix, messages.toString(), 0);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
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
