package io.longctx.policy.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What transformers' chat-template environment adds to Jinja2, and the Jinja2 built-ins whose Jinjava versions
 * differ: the {@code raise_exception} and {@code strftime_now} functions, the {@code tojson} filter
 * ({@code json.dumps} with {@code ensure_ascii=False}), {@code trim} (Python's {@code strip}), {@code items}, the
 * {@code iterable} test (true for strings, as in Python) and the {@code {% generation %}} block, which renders its
 * body. Plus {@code py_slice}, the target of {@link Jinja2Source}'s slice rewriting.
 */
final class TransformersGlobals {
  private TransformersGlobals() {}

  /** Thrown by a template's {@code raise_exception(message)}. */
  static final class RaisedException extends RuntimeException {
    RaisedException(String message) {
      super(message);
    }
  }

  static List<ELFunctionDefinition> functions() {
    return List.of(
        new ELFunctionDefinition("", "raise_exception", TransformersGlobals.class, "raiseException", Object.class),
        new ELFunctionDefinition("", "strftime_now", TransformersGlobals.class, "strftimeNow", String.class),
        new ELFunctionDefinition("", "py_slice", PythonValues.class, "slice", Object.class, Object.class,
            Object.class, Object.class));
  }

  public static Object raiseException(Object message) {
    throw new RaisedException(PythonValues.str(message));
  }

  public static String strftimeNow(String format) {
    return StrftimeFormatter.format(ZonedDateTime.now(), format);
  }

  static List<Filter> filters() {
    return List.of(new ToJson(), new Trim(), new Items(), new Extreme("max", 1), new Extreme("min", -1));
  }

  static List<ExpTest> tests() {
    return List.of(new Iterable());
  }

  static Tag generationTag() {
    return new Generation();
  }

  private static final class ToJson implements Filter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PythonJson.dumps(var, null, null, null, false);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
      Object separators = kwargs.get("separators");
      String items = null;
      String keys = null;
      if (separators instanceof List<?> pair && pair.size() == 2) {
        items = String.valueOf(pair.get(0));
        keys = String.valueOf(pair.get(1));
      }
      Object sort = kwargs.get("sort_keys");
      return PythonJson.dumps(var, indent == null ? null : ((Number) indent).intValue(), items, keys,
          Boolean.TRUE.equals(sort));
    }
  }

  private static final class Trim implements Filter {
    @Override
    public String getName() {
      return "trim";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return PythonStrings.strip(var == null ? "" : PythonValues.str(var), args.length > 0 ? args[0] : null, true,
          true);
    }
  }

  private static final class Items implements Filter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return var instanceof Map<?, ?> m ? new ArrayList<>(m.entrySet()) : List.of();
    }
  }

  /** Jinja2's {@code max} and {@code min} ({@code attribute=}, {@code case_sensitive=}), which Jinjava lacks. */
  private static final class Extreme implements Filter {
    private final String name;
    private final int sign;

    Extreme(String name, int sign) {
      this.name = name;
      this.sign = sign;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, new Object[0], Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      Object attribute = kwargs.get("attribute");
      boolean caseSensitive = Boolean.TRUE.equals(kwargs.get("case_sensitive"));
      Object best = null;
      Object bestKey = null;
      for (Object item : PythonValues.iterate(var)) {
        Object key = attribute != null && item instanceof Map<?, ?> m ? m.get(attribute.toString()) : item;
        if (key instanceof String k && !caseSensitive) {
          key = k.toLowerCase(java.util.Locale.ROOT);
        }
        if (best == null || sign * compare(key, bestKey) > 0) {
          best = item;
          bestKey = key;
        }
      }
      return best;
    }

    private static int compare(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return Double.compare(x.doubleValue(), y.doubleValue());
      }
      return String.valueOf(a).compareTo(String.valueOf(b));
    }
  }

  private static final class Iterable implements ExpTest {
    @Override
    public String getName() {
      return "iterable";
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return var instanceof java.lang.Iterable<?> || var instanceof Map<?, ?> || var instanceof CharSequence
          || var instanceof Object[];
    }
  }

  /** {@code {% generation %}...{% endgeneration %}}: transformers marks assistant tokens with it; renders the body. */
  private static final class Generation implements Tag {
    @Override
    public String getName() {
      return "generation";
    }

    @Override
    public String getEndTagName() {
      return "endgeneration";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      StringBuilder sb = new StringBuilder();
      for (Node child : tagNode.getChildren()) {
        sb.append(child.render(interpreter));
      }
      return sb.toString();
    }
  }
}
