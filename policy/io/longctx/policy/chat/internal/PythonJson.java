package io.longctx.policy.chat.internal;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Python's {@code json.dumps(value, ensure_ascii=False, indent=..., separators=..., sort_keys=...)}, which
 * transformers installs as the chat templates' {@code tojson} filter: same separators, indentation, escapes and
 * number formats, so that tool schemas render byte for byte.
 */
final class PythonJson {
  private PythonJson() {}

  static String dumps(Object value, Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {
    String items = itemSeparator != null ? itemSeparator : indent == null ? ", " : ",";
    String keys = keySeparator != null ? keySeparator : ": ";
    StringBuilder sb = new StringBuilder();
    write(sb, value, indent, items, keys, sortKeys, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, Integer indent, String items, String keys, boolean sort,
      int level) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity")
          : PythonValues.floatRepr(d));
    } else if (v instanceof Number n) {
      sb.append(n);
    } else if (v instanceof CharSequence s) {
      string(sb, s.toString());
    } else if (v instanceof Map<?, ?> m) {
      Map<?, ?> map = sort ? new TreeMap<>(m) : m;
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(first ? "" : items);
        newline(sb, indent, level + 1);
        string(sb, key(e.getKey()));
        sb.append(keys);
        write(sb, e.getValue(), indent, items, keys, sort, level + 1);
        first = false;
      }
      newline(sb, indent, level);
      sb.append('}');
    } else if (v instanceof Collection<?> || v instanceof Object[]) {
      Collection<?> c = v instanceof Collection<?> col ? col : java.util.List.of((Object[]) v);
      if (c.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        sb.append(first ? "" : items);
        newline(sb, indent, level + 1);
        write(sb, o, indent, items, keys, sort, level + 1);
        first = false;
      }
      newline(sb, indent, level);
      sb.append(']');
    } else {
      string(sb, v.toString());
    }
  }

  private static String key(Object k) {
    if (k == null) {
      return "null";
    }
    if (k instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (k instanceof Double || k instanceof Float) {
      return PythonValues.floatRepr(((Number) k).doubleValue());
    }
    return k.toString();
  }

  private static void newline(StringBuilder sb, Integer indent, int level) {
    if (indent != null) {
      sb.append('\n').append(" ".repeat(indent * level));
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
