package io.longctx.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escapesEveryMarkupCharacter() {
    assertThat(Html.escape("a<&>b \"q\" 'x'")).isEqualTo("a&lt;&amp;&gt;b &quot;q&quot; &#39;x&#39;");
    assertThat(Html.escape(null)).isEmpty();
  }

  @Test
  void formatsNumbersCompactly() {
    assertThat(Html.number(3L)).isEqualTo("3");
    assertThat(Html.number(4.0)).isEqualTo("4");
    assertThat(Html.number(-1.0)).isEqualTo("-1");
    assertThat(Html.number(0.75)).isEqualTo("0.75");
    assertThat(Html.number(1.0 / 3)).isEqualTo("0.3333");
    assertThat(Html.number(43.69991)).isEqualTo("43.6999");
    assertThat(Html.number(3.0e-4)).isEqualTo("3.000e-04");
    assertThat(Html.number(Double.NaN)).isEqualTo("NaN");
    assertThat(Html.number(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    assertThat(Html.number(null)).isEmpty();
  }

  @Test
  void tablesEscapeTextAndAlignNumbers() {
    Html html = new Html().page("t<1>");
    html.table(List.of("name<", "value"), List.of(Arrays.asList("x&y", 0.5), Arrays.asList(null, null)));
    html.unavailable("no <table>");
    String page = html.end();
    assertThat(page).contains("<title>t&lt;1&gt;</title>").contains("<th>name&lt;</th>")
        .contains("<tr><td>x&amp;y</td><td class=\"num\">0.5</td></tr>")
        .contains("<tr><td></td><td></td></tr>")
        .contains("<p class=\"na\">not available: no &lt;table&gt;</p>");
    ReportAssertions.balanced(page);
  }
}
