package io.longctx.transforms.eval;

import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.PromptTemplate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the model input for each {@link EvalItem} row the way the QwenLong-L1 evaluation does: the question and
 * document go into the zero-shot template (curation's {@link PromptTemplate}, so training and evaluation prompts
 * are identical; multiple-choice sources ask for "The correct answer is"), the filled template is tokenised with the policy tokenizer and, when
 * longer than the input cap, middle-truncated ({@link MiddleTruncation}) and decoded; then the chat template
 * renders the user turn. An item with a {@code conversation} (MRCR) is rendered as that conversation instead.
 */
public final class EvalPrompts {
  /** Columns added by {@link #build}. */
  public static final StructType ADDED =
      new StructType()
          .add("prompt", DataTypes.StringType, false)
          .add("prompt_tokens", DataTypes.IntegerType, false)
          .add("input_tokens", DataTypes.IntegerType, false)
          .add("truncated", DataTypes.BooleanType, false);

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private EvalPrompts() {}

  /** The filled template (the user message) for one question and document. */
  public static String userMessage(String question, String document, boolean multipleChoice) {
    return PromptTemplate.build(document, question, multipleChoice).prompt();
  }

  /**
   * Adds {@code prompt} (the chat-rendered model input), {@code prompt_tokens} (length of the filled template
   * before the cap), {@code input_tokens} (after the cap, chat markers included) and {@code truncated}.
   * Requires the {@link EvalItem#SCHEMA} columns {@code data_source}, {@code question} and {@code document}; a
   * source whose name contains one of {@code multipleChoiceSources} gets the multiple-choice answer format.
   */
  public static Dataset<Row> build(Dataset<Row> items, TokenizerSpec tokenizer, ChatFormat template,
      int maxInputTokens, List<String> multipleChoiceSources) {
    StructType out = items.schema();
    for (var f : ADDED.fields()) {
      out = out.add(f);
    }
    return items.mapPartitions(
        new BuildPrompts(tokenizer, template, maxInputTokens, List.copyOf(multipleChoiceSources),
            items.schema().fieldIndex("data_source"), items.schema().fieldIndex("question"),
            items.schema().fieldIndex("document"),
            java.util.Arrays.asList(items.schema().fieldNames()).indexOf("conversation")),
        Encoders.row(out));
  }

  /** Per partition: opens one tokenizer and builds every row's prompt. */
  static final class BuildPrompts implements MapPartitionsFunction<Row, Row> {
    private final TokenizerSpec tokenizer;
    private final ChatFormat template;
    private final int maxInputTokens;
    private final List<String> multipleChoiceSources;
    private final int sourceIdx;
    private final int questionIdx;
    private final int documentIdx;
    private final int conversationIdx;

    BuildPrompts(TokenizerSpec tokenizer, ChatFormat template, int maxInputTokens,
        List<String> multipleChoiceSources, int sourceIdx, int questionIdx, int documentIdx, int conversationIdx) {
      this.tokenizer = tokenizer;
      this.template = template;
      this.maxInputTokens = maxInputTokens;
      this.multipleChoiceSources = multipleChoiceSources;
      this.sourceIdx = sourceIdx;
      this.questionIdx = questionIdx;
      this.documentIdx = documentIdx;
      this.conversationIdx = conversationIdx;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> out = new ArrayList<>();
      try (Tokenizer tok = tokenizer.open()) {
        while (rows.hasNext()) {
          Row r = rows.next();
          out.add(withPrompt(r, tok));
        }
      }
      return out.iterator();
    }

    private Row withPrompt(Row r, Tokenizer tok) {
      if (conversationIdx >= 0 && !r.isNullAt(conversationIdx)) {
        return withConversation(r, tok);
      }
      boolean choice = PromptTemplate.matches(r.getString(sourceIdx), multipleChoiceSources);
      String user = userMessage(r.getString(questionIdx), r.getString(documentIdx), choice);
      int[] ids = tok.encode(user);
      int[] capped = MiddleTruncation.truncate(ids, maxInputTokens);
      boolean truncated = capped != ids;
      String rendered = template.render(truncated ? tok.decode(capped) : user);
      return append(r, rendered, ids.length, tok.count(rendered), truncated);
    }

    /**
     * A conversation (MRCR): the chat template renders every message; over the cap, the rendered tokens are
     * middle-truncated, which keeps the opening and the final request.
     */
    private Row withConversation(Row r, Tokenizer tok) {
      List<ChatTemplate.Message> messages = new ArrayList<>();
      try {
        for (var m : JSON.readTree(r.getString(conversationIdx))) {
          messages.add(new ChatTemplate.Message(m.get("role").asText(), m.get("content").asText()));
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException("conversation column is not the JSON that Layouts wrote", e);
      }
      String full = template.render(messages);
      int[] ids = tok.encode(full);
      int[] capped = MiddleTruncation.truncate(ids, maxInputTokens);
      boolean truncated = capped != ids;
      String rendered = truncated ? tok.decode(capped) : full;
      return append(r, rendered, ids.length, tok.count(rendered), truncated);
    }

    private static Row append(Row r, String rendered, int promptTokens, int inputTokens, boolean truncated) {
      Object[] values = new Object[r.size() + 4];
      for (int i = 0; i < r.size(); i++) {
        values[i] = r.get(i);
      }
      values[r.size()] = rendered;
      values[r.size() + 1] = promptTokens;
      values[r.size() + 2] = inputTokens;
      values[r.size() + 3] = truncated;
      return RowFactory.create(values);
    }
  }
}
