package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * The Wikipedia articles that the published Frames file ({@code test.tsv}) links to but does not contain, read from
 * a pages source ({@code eval.frames.pages}: JSON lines, a JSON array, Parquet or a Delta table with {@code url},
 * {@code title} and {@code text}). A link finds its page by URL (scheme, mobile host, fragment, percent-encoding
 * and a trailing slash ignored), else by the title the URL names ({@code .../wiki/James_Buchanan} ->
 * {@code James Buchanan}; underscores and spaces alike, the first letter case-insensitive, as Wikipedia does).
 */
public final class FramesPages {
  private static final Pattern LIST_SEPARATOR = Pattern.compile(",\\s*(?=https?://)");

  /** One article as it goes into the document: {@code title\ntext}. */
  public record Page(String title, String text) {}

  private final String source;
  private final Map<String, Page> byUrl = new HashMap<>();
  private final Map<String, Page> byTitle = new HashMap<>();

  private FramesPages(String source) {
    this.source = source;
  }

  /** No pages source: every link is missing. */
  public static FramesPages none() {
    return new FramesPages(null);
  }

  /** Where the pages came from, or null when none is configured. */
  public String source() {
    return source;
  }

  /** Reads a pages source; records without a usable {@code text} and a {@code title} or {@code url} are reported. */
  public static FramesPages load(SparkSession spark, Path path, List<LoadProblem> problems) {
    if (!Files.exists(path)) {
      throw EvalErrors.missingPages(path);
    }
    FramesPages pages = new FramesPages(path.toString());
    RecordFiles.read(spark, path, new RecordFiles.Sink() {
      @Override
      public void record(long number, JsonNode n) {
        String url = n.path("url").isTextual() ? n.get("url").asText().strip() : "";
        String title = n.path("title").isTextual() ? n.get("title").asText().strip() : "";
        if (title.isEmpty() && !url.isEmpty()) {
          title = titleOf(url);
        }
        if (!n.path("text").isTextual() || n.get("text").asText().isBlank() || title.isEmpty()) {
          problems.add(new LoadProblem("frames", path.toString(), number,
              "a page needs a non-empty string 'text' and a 'title' or 'url'; fields found: "
                  + RecordFiles.fieldNames(n)));
          return;
        }
        Page page = new Page(title, n.get("text").asText());
        if (!url.isEmpty()) {
          pages.byUrl.putIfAbsent(urlKey(url), page);
        }
        pages.byTitle.putIfAbsent(titleKey(title), page);
      }

      @Override
      public void problem(long number, String reason) {
        problems.add(new LoadProblem("frames", path.toString(), number, reason));
      }
    });
    return pages;
  }

  /** The page a link points to, or null. */
  public Page find(String url) {
    Page p = byUrl.get(urlKey(url));
    return p != null ? p : byTitle.get(titleKey(titleOf(url)));
  }

  /** The article title a Wikipedia URL names ({@code https://en.wikipedia.org/wiki/Washington,_D.C.} ->
   * {@code Washington, D.C.}); the URL itself when it has no {@code /wiki/} path. */
  public static String titleOf(String url) {
    String u = stripFragment(url.strip());
    int wiki = u.indexOf("/wiki/");
    String t = wiki >= 0 ? u.substring(wiki + "/wiki/".length()) : u;
    return decode(t).replace('_', ' ').strip();
  }

  /**
   * The links of one published record in link order: {@code wiki_links} (a Python list literal) when present and
   * readable, else {@code wikipedia_link_1} .. {@code wikipedia_link_10} then {@code wikipedia_link_11+}
   * (comma-separated). Duplicates are kept once.
   */
  static List<String> links(JsonNode n) {
    List<String> out = new ArrayList<>();
    JsonNode all = n.get("wiki_links");
    if (all != null && all.isArray()) {
      all.forEach(v -> add(out, v.asText()));
    } else if (all != null && all.isTextual() && !all.asText().isBlank()) {
      List<String> parsed = PythonLiterals.stringList(all.asText());
      if (parsed != null) {
        parsed.forEach(v -> add(out, v));
        return out;
      }
    }
    if (!out.isEmpty()) {
      return out;
    }
    for (int i = 1; i <= 10; i++) {
      JsonNode v = n.get("wikipedia_link_" + i);
      if (v != null && v.isTextual()) {
        add(out, v.asText());
      }
    }
    JsonNode more = n.get("wikipedia_link_11+");
    if (more != null && more.isTextual()) {
      for (String u : LIST_SEPARATOR.split(more.asText())) {
        add(out, u);
      }
    }
    return out;
  }

  private static void add(List<String> out, String url) {
    String u = url == null ? "" : url.strip();
    if (!u.isEmpty() && !u.equalsIgnoreCase("nan") && !out.contains(u)) {
      out.add(u);
    }
  }

  static String urlKey(String url) {
    String u = stripFragment(url.strip());
    u = u.replaceFirst("(?i)^https?://", "").replaceFirst("(?i)^([a-z-]+)\\.m\\.wikipedia\\.org", "$1.wikipedia.org");
    int slash = u.indexOf('/');
    String host = slash < 0 ? u : u.substring(0, slash);
    String path = slash < 0 ? "" : decode(u.substring(slash)).replace(' ', '_');
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return host.toLowerCase(Locale.ROOT) + path;
  }

  static String titleKey(String title) {
    String t = title.replace('_', ' ').strip().replaceAll("\\s+", " ");
    return t.isEmpty() ? t : t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
  }

  private static String stripFragment(String u) {
    int hash = u.indexOf('#');
    return hash >= 0 ? u.substring(0, hash) : u;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
