package io.longctx.transforms;

/** Why an input record went to the {@code quarantine} table. Stored by name in its {@code reason} column. */
public enum ReasonCode {
  /** The line is not one complete JSON value (syntax error, duplicate key, trailing text). */
  MALFORMED_JSON,
  /** A CSV row the CSV reader could not split into the header's columns. */
  MALFORMED_CSV,
  /** The record is valid JSON but not an object (array, string, number, null). */
  NOT_AN_OBJECT,
  /** A blank line or an empty row. */
  EMPTY_RECORD,
  /** The line's bytes are not valid UTF-8. */
  INVALID_UTF8,
  /** Text holds characters no document should (NUL and other C0 controls, unpaired surrogates). */
  INVALID_TEXT,
  /** The record is larger than {@code curate.max-record-bytes}. */
  OVERSIZE_RECORD,
  /** Neither the verl/QwenLong-L1 layout nor the plain layout. */
  UNKNOWN_LAYOUT,
  /** A required field is absent or null. */
  MISSING_FIELD,
  /** A field has the wrong JSON type. */
  WRONG_TYPE,
  /** The document is empty or only whitespace. */
  EMPTY_DOCUMENT,
  /** The question is empty or only whitespace. */
  EMPTY_QUESTION,
  /** The gold answer is empty or only whitespace. */
  EMPTY_ANSWER,
  /** A verl prompt with no user turn, or without a {@code <text>...</text>} document block. */
  BAD_PROMPT,
  /** The gold cannot be verified: a numeric source's gold is not a number, a multiple-choice gold not A-D. */
  UNANSWERABLE_GOLD,
  /** Another record (earlier by source file and record number) already has this sample id. */
  DUPLICATE_ID,
  /** The prompt is over the largest length cap and cannot (or, per config, may not) be truncated to fit. */
  OVERLONG_PROMPT
}
