package io.longctx.policy.chat.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Python's view of template values: {@code str()}, iteration, indexing and slicing with negative positions. */
public final class PythonValues {
  private PythonValues() {}

  /** Python's {@code str(value)}: {@code None}, {@code True}, float repr, list and dict reprs. */
  public static String str(Object value) {
    if (value instanceof CharSequence s) {
      return s.toString();
    }
    return repr(value, false);
  }

  private static String repr(Object value, boolean quoted) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Double || value instanceof Float) {
      return floatRepr(((Number) value).doubleValue());
    }
    if (value instanceof CharSequence s) {
      return quoted ? "'" + s.toString().replace("\\", "\\\\").replace("'", "\\'") + "'" : s.toString();
    }
    if (value instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(sb.length() > 1 ? ", " : "").append(repr(e.getKey(), true)).append(": ")
            .append(repr(e.getValue(), true));
      }
      return sb.append('}').toString();
    }
    if (value instanceof Collection<?> c) {
      StringBuilder sb = new StringBuilder("[");
      for (Object o : c) {
        sb.append(sb.length() > 1 ? ", " : "").append(repr(o, true));
      }
      return sb.append(']').toString();
    }
    return value.toString();
  }

  /** Python's {@code repr(float)}: shortest digits, exponent form below 1e-4 and from 1e16. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exponent = b.precision() - b.scale() - 1;
    if (exponent < -4 || exponent >= 16) {
      String digits = b.unscaledValue().abs().toString();
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
          + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    String plain = b.toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  /** What a Python {@code for} loop over {@code value} visits: items, a mapping's keys, a string's characters. */
  public static List<Object> iterate(Object value) {
    List<Object> out = new ArrayList<>();
    if (value instanceof Map<?, ?> m) {
      out.addAll(m.keySet());
    } else if (value instanceof Iterable<?> it) {
      it.forEach(out::add);
    } else if (value instanceof CharSequence s) {
      s.toString().codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
    } else if (value instanceof Object[] a) {
      out.addAll(List.of(a));
    } else if (value != null) {
      throw new IllegalArgumentException("'" + value.getClass().getSimpleName() + "' object is not iterable");
    }
    return out;
  }

  /** {@code value[index]} for a list or string with Python's negative indices; null when out of range. */
  static Object index(Object value, long index) {
    if (value instanceof List<?> l) {
      long i = index < 0 ? l.size() + index : index;
      return i >= 0 && i < l.size() ? l.get((int) i) : null;
    }
    return index(iterate(value), index);
  }

  /** Python's {@code value[start:stop:step]} for a list or string; a null bound is omitted. */
  public static Object slice(Object value, Object start, Object stop, Object step) {
    if (value == null) {
      return null;
    }
    boolean string = value instanceof CharSequence;
    List<Object> items = string ? iterate(value) : new ArrayList<>(iterate(value));
    int n = items.size();
    int st = step == null ? 1 : ((Number) step).intValue();
    if (st == 0) {
      throw new IllegalArgumentException("slice step cannot be zero");
    }
    int lo = bound(start, n, st > 0 ? 0 : n - 1, st);
    int hi = bound(stop, n, st > 0 ? n : -1, st);
    List<Object> out = new ArrayList<>();
    for (int i = lo; st > 0 ? i < hi : i > hi; i += st) {
      out.add(items.get(i));
    }
    if (string) {
      StringBuilder sb = new StringBuilder();
      out.forEach(sb::append);
      return sb.toString();
    }
    return out;
  }

  private static int bound(Object value, int n, int missing, int step) {
    if (value == null) {
      return missing;
    }
    int v = ((Number) value).intValue();
    if (v < 0) {
      v += n;
      return Math.max(v, step > 0 ? 0 : -1);
    }
    return Math.min(v, step > 0 ? n : n - 1);
  }
}
