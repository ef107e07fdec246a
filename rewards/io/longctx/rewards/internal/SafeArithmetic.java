package io.longctx.rewards.internal;

/**
 * A small recursive-descent evaluator for the arithmetic the reference passes to Python's {@code eval()} when it
 * normalises a DocMath answer. It never executes code: it understands only Python number literals
 * ({@code 12}, {@code 0012.5}, {@code 1e-3}, {@code 1_000}), {@code True}/{@code False}, quoted strings, unary
 * {@code + -}, binary {@code + - * / // % **}, parentheses, tuples/lists (which evaluate to a non-number) and
 * {@code math.pow(a, b)}. Anything else (names, calls, syntax errors, division by zero, nesting deeper than
 * Python's parser allows) makes {@link #eval} return {@code null}, which the caller maps to what the reference's
 * {@code except Exception} branch does.
 */
public final class SafeArithmetic {
  /** Python's parser rejects more than 200 nested parentheses; so do we (this also bounds recursion). */
  static final int MAX_DEPTH = 200;

  /** Inputs longer than this are rejected outright (bounds work on adversarial input). */
  static final int MAX_LENGTH = 10_000;

  private final String s;
  private int pos;
  private int depth;
  private int brackets;

  private SafeArithmetic(String s) {
    this.s = s;
  }

  /** Evaluates {@code expr}; returns {@code null} where Python's {@code eval} would raise. */
  public static PyValue eval(String expr) {
    if (expr == null || expr.length() > MAX_LENGTH) {
      return null;
    }
    SafeArithmetic p = new SafeArithmetic(trimLines(expr));
    try {
      p.skipSpace();
      PyValue v = p.tupleOrExpr(true);
      p.skipSpace();
      return p.pos == p.s.length() ? v : null;
    } catch (EvalError e) {
      return null;
    }
  }

  /** Signals a Python exception (SyntaxError, NameError, ZeroDivisionError, ...). */
  private static final class EvalError extends Exception {
    private static final long serialVersionUID = 1L;

    EvalError() {
      super(null, null, false, false);
    }
  }

  private static final EvalError ERROR = new EvalError();

  private PyValue tupleOrExpr(boolean topLevel) throws EvalError {
    PyValue first = expr();
    skipSpace();
    if (peek() != ',') {
      return first;
    }
    while (peek() == ',') {
      pos++;
      skipSpace();
      if (pos == s.length() || (!topLevel && (peek() == ')' || peek() == ']'))) {
        break; // trailing comma
      }
      expr();
      skipSpace();
    }
    return PyValue.other();
  }

  private PyValue expr() throws EvalError {
    PyValue left = term();
    while (true) {
      skipSpace();
      char c = peek();
      if (c == '+' || c == '-') {
        pos++;
        PyValue right = term();
        left = num(c == '+' ? d(left) + d(right) : d(left) - d(right));
      } else {
        return left;
      }
    }
  }

  private PyValue term() throws EvalError {
    PyValue left = factor();
    while (true) {
      skipSpace();
      if (startsWith("**")) {
        return left; // handled in power()
      }
      char c = peek();
      if (c == '*') {
        pos++;
        left = num(d(left) * d(factor()));
      } else if (startsWith("//")) {
        pos += 2;
        double r = d(factor());
        if (r == 0) {
          throw ERROR;
        }
        left = num(Math.floor(d(left) / r));
      } else if (c == '/') {
        pos++;
        double r = d(factor());
        if (r == 0) {
          throw ERROR;
        }
        left = num(d(left) / r);
      } else if (c == '%') {
        pos++;
        double r = d(factor());
        if (r == 0) {
          throw ERROR;
        }
        double l = d(left);
        double m = l % r;
        left = num(m != 0 && (m < 0) != (r < 0) ? m + r : m);
      } else {
        return left;
      }
    }
  }

  private PyValue factor() throws EvalError {
    skipSpace();
    char c = peek();
    if (c == '+' || c == '-') {
      pos++;
      enter();
      PyValue v = factor();
      depth--;
      return num(c == '-' ? -d(v) : d(v));
    }
    return power();
  }

  private PyValue power() throws EvalError {
    PyValue base = atom();
    skipSpace();
    if (startsWith("**")) {
      pos += 2;
      enter();
      PyValue exp = factor();
      depth--;
      return num(pow(d(base), d(exp)));
    }
    return base;
  }

  static double pow(double b, double e) throws EvalError {
    if (b == 0 && e < 0) {
      throw ERROR; // ZeroDivisionError
    }
    if (b < 0 && e != Math.rint(e)) {
      // Python returns a complex number here; the reference keeps its real part.
      return Math.pow(-b, e) * Math.cos(Math.PI * e);
    }
    double r = Math.pow(b, e);
    if (Double.isInfinite(r) && !Double.isInfinite(b) && !Double.isInfinite(e)) {
      throw ERROR; // OverflowError (exact for floats; Python ints would grow instead)
    }
    return r;
  }

  private PyValue atom() throws EvalError {
    skipSpace();
    if (pos >= s.length()) {
      throw ERROR;
    }
    char c = peek();
    if (c == '(' || c == '[') {
      char close = c == '(' ? ')' : ']';
      pos++;
      enter();
      brackets++;
      skipSpace();
      if (peek() == close) {
        pos++;
        depth--;
        brackets--;
        return PyValue.other(); // () or []
      }
      PyValue v = tupleOrExpr(false);
      skipSpace();
      if (peek() != close) {
        throw ERROR;
      }
      pos++;
      depth--;
      brackets--;
      return c == '[' ? PyValue.other() : v;
    }
    if (c == '"' || c == '\'') {
      return string(c);
    }
    if (s.startsWith("...", pos)) {
      pos += 3;
      return PyValue.other(); // Ellipsis
    }
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    return name();
  }

  private PyValue string(char quote) throws EvalError {
    int end = s.indexOf(quote, pos + 1);
    if (end < 0 || s.substring(pos + 1, end).indexOf('\\') >= 0 || s.substring(pos + 1, end).indexOf('\n') >= 0) {
      throw ERROR;
    }
    String text = s.substring(pos + 1, end);
    pos = end + 1;
    return PyValue.string(text);
  }

  private PyValue name() throws EvalError {
    int start = pos;
    while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) {
      pos++;
    }
    String name = s.substring(start, pos);
    switch (name) {
      case "True" -> {
        return PyValue.bool(true);
      }
      case "False" -> {
        return PyValue.bool(false);
      }
      case "math.pow" -> {
        return mathPow();
      }
      default -> throw ERROR; // NameError / SyntaxError: nothing else is evaluated
    }
  }

  private PyValue mathPow() throws EvalError {
    skipSpace();
    expect('(');
    enter();
    brackets++;
    double b = d(expr());
    skipSpace();
    expect(',');
    double e = d(expr());
    skipSpace();
    if (peek() == ',') {
      pos++;
      skipSpace();
    }
    expect(')');
    depth--;
    brackets--;
    if (b < 0 && e != Math.rint(e)) {
      throw ERROR; // math domain error
    }
    if (b == 0 && e < 0) {
      throw ERROR;
    }
    double r = Math.pow(b, e);
    if (Double.isInfinite(r)) {
      throw ERROR; // OverflowError: math range error
    }
    return num(r);
  }

  /** A Python number literal; Python rejects leading zeros in non-zero decimal integers ({@code 012}). */
  private PyValue number() throws EvalError {
    int start = pos;
    String intPart = digits();
    boolean isFloat = false;
    if (peek() == '.') {
      isFloat = true;
      pos++;
      if (Character.isDigit(peek())) {
        digits();
      } else if (intPart.isEmpty()) {
        throw ERROR; // a lone "."
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      int save = pos;
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!Character.isDigit(peek())) {
        pos = save;
        throw ERROR;
      }
      digits();
      isFloat = true;
    }
    if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) {
      throw ERROR; // 1.2.3, 5j, 12abc: not supported / not valid
    }
    String lit = s.substring(start, pos).replace("_", "");
    if (!isFloat && lit.length() > 1 && lit.charAt(0) == '0' && !lit.chars().allMatch(ch -> ch == '0')) {
      throw ERROR; // SyntaxError: leading zeros in decimal integer literals
    }
    try {
      return num(Double.parseDouble(lit));
    } catch (NumberFormatException e) {
      throw ERROR;
    }
  }

  /** Digits with single underscores between them, as Python allows. */
  private String digits() throws EvalError {
    int start = pos;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (Character.isDigit(c) && c < 128) {
        pos++;
      } else if (c == '_' && pos > start && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))
          && s.charAt(pos + 1) < 128) {
        pos++;
      } else {
        break;
      }
    }
    return s.substring(start, pos);
  }

  private void enter() throws EvalError {
    if (++depth > MAX_DEPTH) {
      throw ERROR;
    }
  }

  private static PyValue num(double v) {
    return PyValue.number(v);
  }

  /** Arithmetic on non-numbers raises TypeError in Python. */
  private static double d(PyValue v) throws EvalError {
    if (!v.isNumeric()) {
      throw ERROR;
    }
    return v.number();
  }

  private void expect(char c) throws EvalError {
    if (peek() != c) {
      throw ERROR;
    }
    pos++;
  }

  private boolean startsWith(String t) {
    return s.startsWith(t, pos);
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  /** Spaces and tabs separate tokens; newlines too, but only inside brackets (Python's implicit joining). */
  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\f' || (brackets > 0 && (c == '\n' || c == '\r'))) {
        pos++;
      } else {
        break;
      }
    }
  }

  /** Blank leading and trailing lines (and spaces) do not matter to {@code eval}. */
  private static String trimLines(String e) {
    int a = 0;
    int b = e.length();
    while (a < b && " \t\f\n\r".indexOf(e.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && " \t\f\n\r".indexOf(e.charAt(b - 1)) >= 0) {
      b--;
    }
    return e.substring(a, b);
  }
}
