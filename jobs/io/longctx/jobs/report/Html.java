package io.longctx.jobs.report;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small HTML writer for the report page: every piece of text that reaches it goes through {@link #escape}, so
 * names and values read from the tables can never inject markup. Produces plain HTML with inline CSS and no
 * scripts or external resources.
 */
final class Html {
  private static final String CSS = String.join("\n",
      "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:0;color:#1d2733;"
          + "background:#f6f7f9;line-height:1.45}",
      "main{max-width:1320px;margin:0 auto;padding:24px 32px 64px;background:#fff;min-height:100vh}",
      "h1{font-size:1.7em;margin:0 0 4px}h2{font-size:1.35em;margin:40px 0 8px;padding-top:12px;"
          + "border-top:2px solid #dfe3e8}h3{font-size:1.08em;margin:24px 0 6px;color:#33414f}",
      "p.meta{color:#5b6876;margin:2px 0}nav ol{columns:2;margin:12px 0 0;padding-left:22px}",
      "table{border-collapse:collapse;margin:8px 0 16px;font-size:.88em}",
      "th,td{border:1px solid #d5dae0;padding:3px 8px;text-align:left;vertical-align:top}",
      "th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}",
      "tr:nth-child(even) td{background:#fafbfc}",
      "div.scroll{max-height:460px;overflow:auto;display:inline-block;max-width:100%}",
      ".na{background:#fff6e0;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0;color:#5a4500}",
      "img{max-width:100%;height:auto;border:1px solid #e3e6ea;margin:6px 0}",
      "pre{background:#f3f5f7;border:1px solid #dfe3e8;padding:10px 12px;font-size:.82em;overflow:auto;"
          + "max-height:520px}",
      "code{background:#f3f5f7;padding:0 3px}p.note{color:#5b6876;font-size:.9em;margin:4px 0}");

  private final StringBuilder out = new StringBuilder(1 << 15);
  private final List<String> unavailable = new ArrayList<>();

  /** Escapes text for element content and double-quoted attribute values. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * A number as the report prints it: integers without decimals, otherwise up to four decimals (scientific
   * notation below 0.001), "" for null, "NaN"/"inf" for non-finite values.
   */
  static String number(Object value) {
    if (value == null) {
      return "";
    }
    if (!(value instanceof Number n)) {
      return String.valueOf(value);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return String.valueOf(n.longValue());
    }
    double d = n.doubleValue();
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.valueOf((long) d);
    }
    if (Math.abs(d) < 1e-3) {
      return String.format(Locale.ROOT, "%.3e", d);
    }
    return new DecimalFormat("0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(d);
  }

  Html page(String title) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title)).append("</title>\n<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n<main>\n");
    return this;
  }

  Html h1(String text) {
    return tag("h1", text);
  }

  Html h2(String id, String text) {
    out.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(text)).append("</h2>\n");
    return this;
  }

  Html h3(String text) {
    return tag("h3", text);
  }

  Html meta(String text) {
    out.append("<p class=\"meta\">").append(escape(text)).append("</p>\n");
    return this;
  }

  Html note(String text) {
    out.append("<p class=\"note\">").append(escape(text)).append("</p>\n");
    return this;
  }

  /** The marker of a section or part that could not be drawn, with the reason. */
  Html unavailable(String why) {
    unavailable.add(why);
    out.append("<p class=\"na\">not available: ").append(escape(why)).append("</p>\n");
    return this;
  }

  Html nav(List<String[]> idAndTitle) {
    out.append("<nav><ol>\n");
    for (String[] s : idAndTitle) {
      out.append("<li><a href=\"#").append(escape(s[0])).append("\">").append(escape(s[1])).append("</a></li>\n");
    }
    out.append("</ol></nav>\n");
    return this;
  }

  Html image(String file, String alt, int width, int height) {
    out.append("<img src=\"").append(escape(file)).append("\" alt=\"").append(escape(alt)).append("\" width=\"")
        .append(width).append("\" height=\"").append(height).append("\">\n");
    return this;
  }

  Html pre(String text) {
    return tag("pre", text);
  }

  /** A table; numbers are right-aligned and formatted with {@link #number}, everything else is escaped text. */
  Html table(List<String> header, List<List<Object>> rows) {
    out.append("<div class=\"scroll\"><table>\n<thead><tr>");
    for (String h : header) {
      out.append("<th>").append(escape(h)).append("</th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (List<Object> row : rows) {
      out.append("<tr>");
      for (Object v : row) {
        if (v instanceof Number) {
          out.append("<td class=\"num\">").append(escape(number(v))).append("</td>");
        } else {
          out.append("<td>").append(escape(v == null ? "" : v.toString())).append("</td>");
        }
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table></div>\n");
    return this;
  }

  private Html tag(String name, String text) {
    out.append('<').append(name).append('>').append(escape(text)).append("</").append(name).append(">\n");
    return this;
  }

  /** The reasons given to {@link #unavailable} so far. */
  List<String> unavailableReasons() {
    return List.copyOf(unavailable);
  }

  String end() {
    out.append("</main>\n</body>\n</html>\n");
    return out.toString();
  }
}
