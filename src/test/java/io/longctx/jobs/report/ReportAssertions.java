package io.longctx.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Checks on a written report page shared by the report tests. */
final class ReportAssertions {
  private static final Pattern IMG =
      Pattern.compile("<img src=\"([^\"]+)\" alt=\"[^\"]*\" width=\"(\\d+)\" height=\"(\\d+)\">");

  private ReportAssertions() {}

  /** Every {@code <img>} names a PNG next to the page that decodes to the size the tag states; returns the names. */
  static List<String> imagesDecode(String html, Path dir) throws Exception {
    List<String> files = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      Path png = dir.resolve(m.group(1));
      assertThat(png).as(m.group(1)).exists();
      BufferedImage img = ImageIO.read(png.toFile());
      assertThat(img).as(m.group(1)).isNotNull();
      assertThat(img.getWidth()).as(m.group(1) + " width").isEqualTo(Integer.parseInt(m.group(2)));
      assertThat(img.getHeight()).as(m.group(1) + " height").isEqualTo(Integer.parseInt(m.group(3)));
      files.add(m.group(1));
    }
    return files;
  }

  /** Well-formed enough: one html/head/body/main, every table/tr/td/h2/h3/pre element closed. */
  static void balanced(String html) {
    assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
    for (String tag : List.of("html", "head", "body", "main", "table", "thead", "tbody", "tr", "td", "th", "h2", "h3",
        "pre", "p", "nav", "ol", "li", "div")) {
      int open = count(html, Pattern.compile("<" + tag + "[ >]"));
      int close = count(html, Pattern.compile("</" + tag + ">"));
      assertThat(close).as("closing </" + tag + ">").isEqualTo(open);
    }
    assertThat(html).doesNotContain("<script").doesNotContain("src=\"http").doesNotContain("href=\"http")
        .doesNotContain("url(");
  }

  /** The cells of a table row as the page writes them: numbers right-aligned and formatted, text escaped. */
  static String row(Object... cells) {
    return "<tr>" + cells(cells) + "</tr>";
  }

  /** Consecutive cells of a row, as {@link #row} writes them, without the row's start and end. */
  static String cells(Object... cells) {
    StringBuilder sb = new StringBuilder();
    for (Object c : cells) {
      if (c instanceof Number) {
        sb.append("<td class=\"num\">").append(Html.escape(Html.number(c))).append("</td>");
      } else {
        sb.append("<td>").append(Html.escape(c == null ? "" : c.toString())).append("</td>");
      }
    }
    return sb.toString();
  }

  private static int count(String s, Pattern p) {
    Matcher m = p.matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
