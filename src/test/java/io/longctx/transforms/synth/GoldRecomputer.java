package io.longctx.transforms.synth;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent, deliberately simple reader of generated documents for the tests: it finds the fact sentences,
 * tables and figures with regular expressions and recomputes each task's gold from the document and the
 * question alone. It shares no code with the generator.
 */
final class GoldRecomputer {
  static final Pattern FACT = Pattern.compile("The (\\w+) of ([A-Z][a-z]{5}) is ([A-Z][a-z]{5}|\\d{1,4})\\.");
  static final Pattern TABLE =
      Pattern.compile("Table \\d: (\\w+) of ([A-Z][a-z]{5})\\.\\nYear \\| \\w+((?:\\n\\d{4} \\| \\d+)+)");
  static final Pattern FIGURE = Pattern.compile("Figure \\d shows the (\\w+) of ([A-Z][a-z]{5}): ([^.]*)\\.");
  static final Pattern ROW = Pattern.compile("(\\d{4}) \\| (\\d+)");
  static final Pattern POINT = Pattern.compile("(\\d+) in (\\d{4})");

  private GoldRecomputer() {}

  /** Every fact sentence, keyed "relation|entity"; fails if one key has two different values. */
  static Map<String, String> facts(String doc) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = FACT.matcher(doc);
    while (m.find()) {
      String key = m.group(1) + "|" + m.group(2);
      String prev = out.put(key, m.group(3));
      if (prev != null && !prev.equals(m.group(3))) {
        throw new AssertionError("conflicting facts for " + key + ": " + prev + " vs " + m.group(3));
      }
    }
    return out;
  }

  /** Start offsets of all fact sentences, keyed "relation|entity". */
  static Map<String, Integer> factOffsets(String doc) {
    Map<String, Integer> out = new HashMap<>();
    Matcher m = FACT.matcher(doc);
    while (m.find()) {
      out.put(m.group(1) + "|" + m.group(2), m.start());
    }
    return out;
  }

  /** Every series (table or figure), keyed "metric|entity" -> year -> value. */
  static Map<String, Map<Integer, Integer>> series(String doc) {
    Map<String, Map<Integer, Integer>> out = new HashMap<>();
    Matcher t = TABLE.matcher(doc);
    while (t.find()) {
      Map<Integer, Integer> values = new HashMap<>();
      Matcher r = ROW.matcher(t.group(3));
      while (r.find()) {
        values.put(Integer.parseInt(r.group(1)), Integer.parseInt(r.group(2)));
      }
      putUnique(out, t.group(1) + "|" + t.group(2), values);
    }
    Matcher f = FIGURE.matcher(doc);
    while (f.find()) {
      Map<Integer, Integer> values = new HashMap<>();
      Matcher p = POINT.matcher(f.group(3));
      while (p.find()) {
        values.put(Integer.parseInt(p.group(2)), Integer.parseInt(p.group(1)));
      }
      putUnique(out, f.group(1) + "|" + f.group(2), values);
    }
    return out;
  }

  private static void putUnique(Map<String, Map<Integer, Integer>> out, String key, Map<Integer, Integer> v) {
    if (out.put(key, v) != null) {
      throw new AssertionError("two series for " + key);
    }
  }

  /** The gold the document and question imply, in the record's answer format. */
  static String recompute(SynthRecord r) {
    return switch (r.source()) {
      case "synth_retrieval", "synth_retrieval_distractors" -> retrieval(r);
      case "synth_multihop" -> multihop(r);
      case "synth_long_toc_choices" -> choice(r);
      case "synth_docmath" -> docmath(r);
      default -> throw new AssertionError("unknown source " + r.source());
    };
  }

  static String retrieval(SynthRecord r) {
    Matcher q = Pattern.compile("What is the (\\w+) of ([A-Z][a-z]{5})\\?").matcher(r.question());
    require(q.matches(), r);
    return facts(r.context()).get(q.group(1) + "|" + q.group(2));
  }

  /** The relations of a multi-hop question, first hop first. */
  static List<String> hopRelations(String question) {
    Matcher q = Pattern.compile("Who is the (.+) of ([A-Z][a-z]{5})\\?").matcher(question);
    if (!q.matches()) {
      throw new AssertionError("not a multi-hop question: " + question);
    }
    List<String> rels = new ArrayList<>(List.of(q.group(1).split(" of the ")));
    java.util.Collections.reverse(rels);
    rels.add(0, q.group(2)); // element 0 is the start entity
    return rels;
  }

  static String multihop(SynthRecord r) {
    List<String> chain = hopRelations(r.question());
    Map<String, String> facts = facts(r.context());
    String entity = chain.get(0);
    for (String rel : chain.subList(1, chain.size())) {
      entity = facts.get(rel + "|" + entity);
      if (entity == null) {
        return null;
      }
    }
    return entity;
  }

  static String choice(SynthRecord r) {
    String[] lines = r.question().split("\n");
    Matcher q = Pattern.compile("Which is the city of ([A-Z][a-z]{5})\\?").matcher(lines[0]);
    require(q.matches() && lines.length == 5, r);
    String city = facts(r.context()).get("city|" + q.group(1));
    String found = null;
    for (int i = 1; i < 5; i++) {
      Matcher o = Pattern.compile("\\(([A-D])\\) ([A-Z][a-z]{5})").matcher(lines[i]);
      require(o.matches() && o.group(1).charAt(0) == "ABCD".charAt(i - 1), r);
      if (o.group(2).equals(city)) {
        require(found == null, r);
        found = o.group(1);
      }
    }
    return found;
  }

  static String docmath(SynthRecord r) {
    Map<String, Map<Integer, Integer>> series = series(r.context());
    String q = r.question();
    Matcher m;
    if ((m = Pattern.compile("What were the total (\\w+) of (\\w+) in (.+)\\?").matcher(q)).matches()) {
      Map<Integer, Integer> s = series.get(m.group(1) + "|" + m.group(2));
      Matcher y = Pattern.compile("\\d{4}").matcher(m.group(3));
      long total = 0;
      while (y.find()) {
        total += s.get(Integer.parseInt(y.group()));
      }
      return Long.toString(total);
    }
    if ((m = Pattern.compile("How many more (\\w+) did (\\w+) have in (\\d{4}) than in (\\d{4})\\?").matcher(q))
        .matches()) {
      Map<Integer, Integer> s = series.get(m.group(1) + "|" + m.group(2));
      return Integer.toString(s.get(Integer.parseInt(m.group(3))) - s.get(Integer.parseInt(m.group(4))));
    }
    if ((m = Pattern.compile("What is the ratio of the (\\w+) of (\\w+) in (\\d{4}) to (\\d{4})\\?").matcher(q))
        .matches()) {
      Map<Integer, Integer> s = series.get(m.group(1) + "|" + m.group(2));
      double v = (double) s.get(Integer.parseInt(m.group(3))) / s.get(Integer.parseInt(m.group(4)));
      return BigDecimal.valueOf(v).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
    if ((m = Pattern.compile("What is the percent change in the (\\w+) of (\\w+) from (\\d{4}) to (\\d{4})\\?")
        .matcher(q)).matches()) {
      Map<Integer, Integer> s = series.get(m.group(1) + "|" + m.group(2));
      double a = s.get(Integer.parseInt(m.group(3)));
      double b = s.get(Integer.parseInt(m.group(4)));
      return BigDecimal.valueOf((b - a) / a * 100).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros()
          .toPlainString();
    }
    throw new AssertionError("unrecognised docmath question: " + q);
  }

  private static void require(boolean ok, SynthRecord r) {
    if (!ok) {
      throw new AssertionError("malformed record " + r.id() + ": " + r.question());
    }
  }
}
