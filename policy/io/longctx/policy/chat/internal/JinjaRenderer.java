package io.longctx.policy.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.Node;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.CompositeELResolver;

/**
 * Renders Hugging Face chat templates (Python Jinja2 with transformers' environment: {@code trim_blocks},
 * {@code lstrip_blocks}, {@code raise_exception}, {@code strftime_now}, {@code tojson}, {@code {% generation %}})
 * with Jinjava. The template is translated once ({@link Jinja2Source}, which also applies the whitespace rules);
 * Python's string, list and dict behaviour comes from {@link PythonResolver} and {@link TransformersGlobals}.
 * Thread-safe: each thread parses the translated template once and renders its tree with a fresh interpreter per
 * call.
 */
public final class JinjaRenderer {
  private static final Jinjava JINJAVA = newJinjava();

  private final String translated;
  private final ThreadLocal<Node> trees = ThreadLocal.withInitial(this::parse);

  /**
   * Translates {@code source}.
   *
   * @throws TemplateFailure for what Jinja2 refuses at compile time: a filter or test it does not know, an unreadable
   *     string literal
   */
  public JinjaRenderer(String source) {
    Jinja2Source.Translation t;
    try {
      t = Jinja2Source.translate(source);
    } catch (IllegalArgumentException e) {
      throw new TemplateFailure(e.getMessage(), false);
    }
    for (String f : t.filters()) {
      if (JINJAVA.getGlobalContext().getFilter(f) == null) {
        throw new TemplateFailure("No filter named '" + f + "'", false);
      }
    }
    for (String test : t.tests()) {
      if (JINJAVA.getGlobalContext().getExpTest(test) == null) {
        throw new TemplateFailure("No test named '" + test + "'", false);
      }
    }
    this.translated = t.template();
    trees.get();
  }

  /**
   * Renders with {@code variables} ({@code messages}, {@code add_generation_prompt}, special tokens, ...).
   *
   * @throws TemplateFailure when the template raises an exception or Jinjava reports an error
   */
  public String render(Map<String, ?> variables) {
    try (AutoCloseableImpl<JinjavaInterpreter> current =
        JinjavaInterpreter.closeablePushCurrent(interpreter(variables)).get()) {
      JinjavaInterpreter interpreter = current.value();
      try {
        String output = interpreter.render(trees.get());
        failOnErrors(interpreter.getErrorsCopy());
        return output;
      } catch (TransformersGlobals.RaisedException e) {
        throw new TemplateFailure(e.getMessage(), true);
      } catch (TemplateFailure e) {
        throw e;
      } catch (RuntimeException e) {
        failOnErrors(interpreter.getErrorsCopy());
        throw new TemplateFailure(String.valueOf(e.getMessage()), false);
      }
    }
  }

  private static JinjavaInterpreter interpreter(Map<String, ?> variables) {
    Context context = new Context(JINJAVA.getGlobalContext(), variables, JINJAVA.getGlobalConfig().getDisabled());
    return new JinjavaInterpreter(JINJAVA, context, JINJAVA.getGlobalConfig());
  }

  /** The template's tree, parsed once per thread (rendering reads it; parsing is most of a short render's time). */
  private Node parse() {
    try (AutoCloseableImpl<JinjavaInterpreter> current =
        JinjavaInterpreter.closeablePushCurrent(interpreter(Map.of())).get()) {
      Node root = current.value().parse(translated);
      failOnErrors(current.value().getErrorsCopy());
      return root;
    }
  }

  private static void failOnErrors(List<TemplateError> errors) {
    for (TemplateError error : errors) {
      if (error.getSeverity() != TemplateError.ErrorType.FATAL) {
        continue;
      }
      for (Throwable t = error.getException(); t != null; t = t.getCause()) {
        if (t instanceof TransformersGlobals.RaisedException) {
          throw new TemplateFailure(t.getMessage(), true);
        }
      }
      throw new TemplateFailure(describe(error), false);
    }
  }

  private static String describe(TemplateError error) {
    return error.getMessage() + (error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : "");
  }

  /** Why a template did not render: its own {@code raise_exception} message, or a Jinja error. */
  public static final class TemplateFailure extends RuntimeException {
    private final boolean raisedByTemplate;

    TemplateFailure(String message, boolean raisedByTemplate) {
      super(message);
      this.raisedByTemplate = raisedByTemplate;
    }

    /** Whether the template called {@code raise_exception} (a conversation it refuses) rather than failed. */
    public boolean raisedByTemplate() {
      return raisedByTemplate;
    }
  }

  private static Jinjava newJinjava() {
    CompositeELResolver resolver = new CompositeELResolver();
    resolver.add(new PythonResolver());
    resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
    JinjavaConfig config = JinjavaConfig.newBuilder()
        .withElResolver(resolver)
        .withNestedInterpretationEnabled(false)
        .withLegacyOverrides(LegacyOverrides.newBuilder()
            .withUsePyishObjectMapper(true)
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withAllowAdjacentTextNodes(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .build())
        .build();
    Jinjava jinjava = new Jinjava(config);
    var context = jinjava.getGlobalContext();
    TransformersGlobals.functions().forEach(context::registerFunction);
    TransformersGlobals.filters().forEach(context::registerFilter);
    TransformersGlobals.tests().forEach(context::registerExpTest);
    context.registerTag(TransformersGlobals.generationTag());
    return jinjava;
  }
}
