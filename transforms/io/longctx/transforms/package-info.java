/**
 * Dataset -> Dataset steps of the curation job: ingest and validate input records (every rejected record goes
 * to quarantine with a {@link io.longctx.transforms.ReasonCode}), build the QwenLong-L1 prompt
 * ({@link io.longctx.transforms.PromptTemplate}), tokenise and bucket by prompt length
 * ({@link io.longctx.transforms.TokenizeAndBucket}), remove exact and near duplicates
 * ({@link io.longctx.transforms.Dedup}) and samples that overlap evaluation sets
 * ({@link io.longctx.transforms.Decontamination}). Column names and schemas are in
 * {@link io.longctx.transforms.CurationSchemas}. Per-partition work lives in package-private classes.
 */
package io.longctx.transforms;
