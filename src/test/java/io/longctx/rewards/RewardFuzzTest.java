package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import io.longctx.rewards.internal.DocMathNormalizer;
import io.longctx.rewards.internal.DocMathVerifier;
import io.longctx.rewards.internal.PyValue;
import io.longctx.rewards.internal.SafeArithmetic;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and adversarial strings through the parser and the extractors: no exception escapes, no code runs. */
class RewardFuzzTest {
  private static final String[] PIECES = {
    "the answer is ", "The answer is ", "THE ANSWER IS ", "The correct answer is ", "(", ")", "</think>", "<think>",
    "0", "1", "7", "9", "00", "123", ".", ",", "=", "≈", "`", "%", "$", "°", "£", "€", "¥", "-", "+", "*", "**",
    "/", "//", " x ", " × ", "10^", "^", "e", "E", "j", "_", "million", "approximately", " or ", "True", "yes",
    "(a)", "(d)", "A", "B", "\"", "'", " ", "\n", "\t", "\u00a0", "\u2003", "<｜end▁of▁sentence｜>", "math.pow(",
    "__import__('os')", "exec(", "lambda", "[", "]", "{", "}", "\\", "٣", "𝟙", "İ", "ß", "\u0000", "\uD83D\uDE00",
    "the", "an", "a", "!", "?", "1e308", "9" .repeat(40), "NaN", "inf"
  };

  private static String randomText(Random rnd, int maxPieces) {
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(maxPieces);
    for (int i = 0; i < n; i++) {
      if (rnd.nextInt(10) == 0) {
        sb.append((char) rnd.nextInt(0x3000));
      } else {
        sb.append(PIECES[rnd.nextInt(PIECES.length)]);
      }
    }
    return sb.toString();
  }

  @Test
  void randomResponsesNeverThrowAndScoreZeroOrOne() {
    Random rnd = new Random(20260524L);
    SourceRouter router = new SourceRouter(RewardsConfig.defaults());
    String[] sources = {"docmath", "musique", "long_toc_choices", "frames"};
    for (int i = 0; i < 30_000; i++) {
      String response = randomText(rnd, 30);
      String gold = randomText(rnd, 6);
      String source = sources[i % sources.length];
      RuleResult r = router.score(source, response, gold);
      assertThat(r.score()).as("%s | %s | %s", source, response, gold).isIn(0.0, 1.0);
      if (r.score() == 1.0) {
        assertThat(r.pred()).isNotNull();
      }
      QaMetrics.f1(response, gold);
      QaMetrics.exactMatch(response, gold);
    }
  }

  @Test
  void randomParserInputsNeverThrow() {
    Random rnd = new Random(99L);
    for (int i = 0; i < 50_000; i++) {
      String s = randomText(rnd, 12);
      assertThatCode(() -> {
        SafeArithmetic.eval(s);
        DocMathNormalizer.normalize(s);
        DocMathVerifier.parseAnswer(s);
      }).as(s).doesNotThrowAnyException();
    }
  }

  @Test
  void adversarialInputsAreBoundedAndSafe() {
    String[] nasty = {
      "(".repeat(100_000), "(".repeat(199) + "1" + ")".repeat(199), "(".repeat(201) + "1" + ")".repeat(201),
      "-".repeat(50_000) + "1", "9**9**9**9**9", "1" + "0".repeat(5_000), "1e999999", "math.pow(10, 400)",
      "math.pow(-8, 0.5)", "1/0", "0**-1", "__import__('os').system('touch /tmp/pwned')", "open('/etc/passwd')",
      "exec('1')", "eval('1')", "().__class__", "lambda: 1", "[1, 2]", "(1, 2)", "1,", "'abc'", "\"(a)\"",
      "1 if 1 else 2", "not 1", "1 < 2", "0x10", "1_000", "1__0", "5j", ".", "..", "-", "+", "1e", "e5",
      "the answer is " + "9".repeat(100_000), "</think>".repeat(10_000), "the answer is ".repeat(10_000)
    };
    for (String s : nasty) {
      long t0 = System.nanoTime();
      assertThatCode(() -> {
        SafeArithmetic.eval(s);
        DocMathNormalizer.normalize(s);
        new SourceRouter(RewardsConfig.defaults()).score("docmath", "<think></think>the answer is " + s, s);
        new SourceRouter(RewardsConfig.defaults()).score("musique", "<think></think>the answer is " + s, s);
      }).as(s.length() > 60 ? s.substring(0, 60) : s).doesNotThrowAnyException();
      assertThat((System.nanoTime() - t0) / 1_000_000).as("time for %s", s.length() > 30 ? s.substring(0, 30) : s)
          .isLessThan(5_000);
    }
    assertThat(SafeArithmetic.eval("__import__('os').system('touch /tmp/pwned')")).isNull();
    assertThat(SafeArithmetic.eval("(".repeat(201) + "1" + ")".repeat(201))).isNull();
    assertThat(SafeArithmetic.eval("(".repeat(199) + "1" + ")".repeat(199)).number()).isEqualTo(1.0);
    assertThat(SafeArithmetic.eval("1/0")).isNull();
    assertThat(SafeArithmetic.eval("0123")).isNull();
    assertThat(SafeArithmetic.eval("[1, 2]").kind()).isEqualTo(PyValue.Kind.OTHER);
    assertThat(SafeArithmetic.eval("\"(a)\"").kind()).isEqualTo(PyValue.Kind.STRING);
  }

  @Test
  void randomArithmeticMatchesADirectEvaluation() {
    Random rnd = new Random(7L);
    for (int i = 0; i < 5_000; i++) {
      double[] value = new double[1];
      String expr = expression(rnd, 3, value);
      PyValue v = SafeArithmetic.eval(expr);
      if (Double.isNaN(value[0])) {
        assertThat(v).as(expr).isNull();
      } else {
        assertThat(v).as(expr).isNotNull();
        assertThat(v.number()).as(expr).isCloseTo(value[0], within(1e-9 * Math.max(1, Math.abs(value[0]))));
      }
    }
  }

  @Test
  void numberLiteralsParseLikeDoubles() {
    Random rnd = new Random(11L);
    for (int i = 0; i < 5_000; i++) {
      double d = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(12) - 4);
      String lit = Double.toString(Math.abs(d)).replace("E", "e");
      assertThat(SafeArithmetic.eval(lit).number()).isEqualTo(Math.abs(d));
      assertThat(SafeArithmetic.eval("-" + lit).number()).isEqualTo(-Math.abs(d));
    }
  }

  /** A random expression over + - * / and parentheses; {@code out[0]} is its value, NaN on division by zero. */
  private static String expression(Random rnd, int depth, double[] out) {
    if (depth == 0 || rnd.nextInt(3) == 0) {
      int n = rnd.nextInt(20);
      out[0] = n;
      return Integer.toString(n);
    }
    double[] l = new double[1];
    double[] r = new double[1];
    String ls = expression(rnd, depth - 1, l);
    String rs = expression(rnd, depth - 1, r);
    char op = "+-*/".charAt(rnd.nextInt(4));
    double v = switch (op) {
      case '+' -> l[0] + r[0];
      case '-' -> l[0] - r[0];
      case '*' -> l[0] * r[0];
      default -> r[0] == 0 || Double.isNaN(r[0]) ? Double.NaN : l[0] / r[0];
    };
    out[0] = Double.isNaN(l[0]) || Double.isNaN(r[0]) ? Double.NaN : v;
    return "(" + ls + " " + op + " " + rs + ")";
  }
}
