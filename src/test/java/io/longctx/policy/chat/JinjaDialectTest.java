package io.longctx.policy.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.policy.PolicyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Year;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where Jinjava and Python's Jinja2 differ, on small templates whose Jinja2 output is known: each case is what
 * {@code jinja2} 3.1 with transformers' environment prints (checked with Python when written).
 */
class JinjaDialectTest {
  @TempDir Path dir;

  private String render(String template, Map<String, ?> vars) throws IOException {
    Files.writeString(dir.resolve("chat_template.jinja"), template);
    return CheckpointChatTemplate.load(dir).render(List.of(Map.of("role", "user", "content", "hi")), true, vars);
  }

  private String render(String template) throws IOException {
    return render(template, Map.of());
  }

  @Test
  void stringLiteralsUsePythonEscapes() throws IOException {
    assertThat(render("{{ 'a\\nb\\t\\u00e9\\x41\\\\ \\'q\\' \"d\" \\z' }}")).isEqualTo("a\nb\t\u00e9A\\ 'q' \"d\" \\z");
    assertThat(render("{{ \"x\\n\" + 'y' }}|{{ '%}' }}|{{ '}}' }}")).isEqualTo("x\ny|%}|}}");
  }

  @Test
  void slicesAndNegativeIndicesArePython() throws IOException {
    Map<String, Object> v = Map.of("xs", List.of(1, 2, 3, 4, 5), "s", "hello");
    assertThat(render("{% for x in xs[::-1] %}{{ x }}{% endfor %}|{{ xs[1:3]|join(',') }}|{{ xs[-2:]|join(',') }}"
        + "|{{ xs[:-3]|join(',') }}|{{ xs[::2]|join(',') }}|{{ xs[-1] }}|{{ s[1:-1] }}|{{ s[::-1] }}|{{ s[-1] }}"
        + "|{{ xs[1:][0] }}|{{ xs[10:]|length }}", v))
        .isEqualTo("54321|2,3|4,5|1,2|1,3,5|5|ell|olleh|o|2|0");
  }

  @Test
  void stringMethodsArePython() throws IOException {
    Map<String, Object> v = Map.of("c", "<think>\nr\n</think>\n\nanswer</think>");
    assertThat(render("{{ c.split('</think>')|length }}|{{ 'T' if c.split('</think>')[-1] == '' else 'F' }}"
        + "|{{ c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') }}"
        + "|{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a  b c'.split()|join(',') }}"
        + "|{{ 'T' if c.startswith('<think>') else 'F' }}|{{ 'T' if c.endswith(('x', 'k>')) else 'F' }}"
        + "|{{ 'ab'.upper() }}|{{ 'a-b'.replace('-', '+') }}|{{ ', '.join(['a', 'b']) }}", v))
        .isEqualTo("3|T|r|a b|a|a,b,c|T|T|AB|a+b|a, b");
  }

  @Test
  void namespacesLoopsAndTests() throws IOException {
    String t = "{% set ns = namespace(n=0, last=none) %}{% for m in xs %}{% if m is string %}{% set ns.n = ns.n + 1 %}"
        + "{% set ns.last = loop.index0 %}{% endif %}{% endfor %}{{ ns.n }},{{ ns.last }}"
        + "|{{ 'T' if 's' is iterable else 'F' }}{{ 'T' if 3 is iterable else 'F' }}{{ 'T' if d is mapping else 'F' }}"
        + "{{ 'T' if none is none else 'F' }}{{ 'T' if x is defined else 'F' }}"
        + "|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{% for k, v in d|items %}{{ k }}{% endfor %}"
        + "|{{ d.get('a') }},{{ d.get('z', 'dflt') }}|{{ xs|length - 1 }}|{{ 'yes' if 'b' in 'abc' else 'no' }}"
        + "|{% set x = 1 %}{% for i in xs %}{% set x = 2 %}{% endfor %}{{ x }}";
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("a", 1);
    Map<String, Object> v = Map.of("xs", List.of("a", 1, "b"), "d", d);
    assertThat(render(t, v)).isEqualTo("2,2|TFTTF|a=1;|a|1,dflt|2|yes|1");
  }

  @Test
  void whitespaceFollowsTransformersEnvironment() throws IOException {
    // trim_blocks, lstrip_blocks, {%- -%} and a dropped trailing newline
    String t = "A\n  {% if true %}\n  B\n  {% endif %}\nC {{- ' D ' -}} E\n{%- generation %} F {% endgeneration %}\n";
    assertThat(render(t)).isEqualTo("A\n  B\nC D E F ");
  }

  @Test
  void notBindsLooserThanComparisonsAndTests() throws IOException {
    Map<String, Object> v = Map.of("xs", List.of(1, 2), "t", true);
    assertThat(render("{%- if not xs|length == 1 -%} A {%- endif %}|{% if not y is defined %}B{% endif %}"
        + "|{{ 'C' if not t and not xs is none else 'c' }}|{{ 'D' if 3 not in xs else 'd' }}"
        + "|{% if xs is not none and not (xs|length > 5) %}E{% endif %}|{{ 'F' if not not t else 'f' }}", v))
        .isEqualTo("A|B|c|D|E|F");
  }

  @Test
  void jinja2FiltersJinjavaLacksAndMacros() throws IOException {
    Map<String, Object> v = Map.of("xs", List.of(3, 9, 2), "ws", List.of("b", "C", "a"),
        "ms", List.of(Map.of("n", 2), Map.of("n", 7)));
    assertThat(render("{{ xs|max }}{{ xs|min }}{{ ws|max }}{{ ws|max(case_sensitive=true) }}"
        + "{{ (ms|max(attribute='n')).n }}"
        + "|{% macro f(x, y='d') %}<{{ x }}{{ y }}>{% endmacro %}{{ f(1) }}{{ f(2, y='e') }}", v))
        .isEqualTo("92Cb7|<1d><2e>");
  }

  @Test
  void keywordArgumentsTakeWholeExpressions() throws IOException {
    assertThat(render("{% set ns = namespace(a=messages|length - 1, b='x' ~ 'y') %}{{ ns.a }}{{ ns.b }}"))
        .isEqualTo("0xy");
  }

  @Test
  void tojsonIsPythonsJsonDumps() throws IOException {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("b", List.of(1, 2.5, true));
    t.put("a", "\u00e9\"\n");
    Map<String, Object> v = Map.of("t", t, "f", 0.00001, "e", List.of());
    assertThat(render("{{ t|tojson }}|{{ t|tojson(indent=2, sort_keys=true) }}|{{ f|tojson }}|{{ e|tojson(indent=4) }}",
        v)).isEqualTo("{\"b\": [1, 2.5, true], \"a\": \"\u00e9\\\"\\n\"}"
            + "|{\n  \"a\": \"\u00e9\\\"\\n\",\n  \"b\": [\n    1,\n    2.5,\n    true\n  ]\n}|1e-05|[]");
  }

  @Test
  void functionsOfTransformers() throws IOException {
    assertThat(render("{{ strftime_now('%Y') }}")).isEqualTo(Year.now().toString());
    assertThatThrownBy(() -> render("{% if messages|length < 2 %}{{ raise_exception('Need two turns!') }}{% endif %}"))
        .isInstanceOf(PolicyException.class)
        .hasMessage("The chat template of " + dir + " rejected the conversation: Need two turns!");
  }

  @Test
  void aBrokenTemplateNamesTheCheckpointAndTheJinjaError() throws IOException {
    assertThatThrownBy(() -> render("{% for m in messages %}{{ m.content }}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("The chat template of " + dir + " failed to render: ")
        .hasMessageContaining("endfor");
    assertThatThrownBy(() -> render("{{ messages|no_such_filter }}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("no_such_filter");
  }
}
