package io.longctx.rewards.internal;

/**
 * The value of a Python expression as far as the DocMath comparator cares: a number (ints and floats alike;
 * a bool counts as a number too, as {@code isinstance(True, int)} does in Python), a string, or anything else
 * (tuples, lists, None), which never compares equal to a number.
 */
public record PyValue(Kind kind, double number, String text) {

  /** What kind of Python object the value stands for. */
  public enum Kind {
    NUMBER,
    BOOL,
    STRING,
    OTHER
  }

  public static final PyValue ZERO = number(0);

  public static PyValue number(double v) {
    return new PyValue(Kind.NUMBER, v, null);
  }

  public static PyValue bool(boolean b) {
    return new PyValue(Kind.BOOL, b ? 1 : 0, null);
  }

  public static PyValue string(String s) {
    return new PyValue(Kind.STRING, Double.NaN, s);
  }

  public static PyValue other() {
    return new PyValue(Kind.OTHER, Double.NaN, null);
  }

  /** True for numbers and bools: what {@code isinstance(x, (int, float))} accepts. */
  public boolean isNumeric() {
    return kind == Kind.NUMBER || kind == Kind.BOOL;
  }
}
