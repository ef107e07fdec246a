package io.longctx.transforms.synth;

import java.util.Map;

/**
 * One generated long-document QA record in the plain input layout, plus what warm-up SFT and analysis need.
 *
 * @param id unique id, {@code synth-<split>-<index>}
 * @param context the document
 * @param question the question (for {@code synth_long_toc_choices} it lists the options (A)-(D))
 * @param answer the bare gold: a number, an entity name, a four-digit value or a letter
 * @param source the data source ({@link SynthTask#source()}), used for reward routing
 * @param trace a short verified reasoning trace: {@code <think>...</think>} then the answer phrase
 * @param task the short task name ({@link SynthTask#shortName()})
 * @param difficulty the knob values used for this record, a flat map of numbers in a stable order
 */
public record SynthRecord(
    String id,
    String context,
    String question,
    String answer,
    String source,
    String trace,
    String task,
    Map<String, Number> difficulty) {}
