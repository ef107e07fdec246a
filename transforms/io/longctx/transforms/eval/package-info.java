/**
 * Evaluation of a checkpoint on the QwenLong-L1 long-document QA benchmarks (DocMath, Frames, and the LongBench
 * v1 sets 2WikiMultihopQA, HotpotQA, MuSiQue, NarrativeQA, Qasper) plus the synthetic held-out set.
 *
 * <p>The public contracts are: {@link io.longctx.transforms.eval.Benchmark} (the eight benchmarks and their
 * published file layouts), {@link io.longctx.transforms.eval.BenchmarkLoader} (file to {@link
 * io.longctx.transforms.eval.EvalItem}s, with every bad record reported), {@link
 * io.longctx.transforms.eval.EvalPrompts} (template, middle truncation to the input cap), {@link
 * io.longctx.transforms.eval.ResponseGenerator} (k samples per prompt, one model per executor JVM), {@link
 * io.longctx.transforms.eval.PassAtK} (the unbiased estimator) and {@link io.longctx.transforms.eval.EvalResults}
 * (the {@code eval_results} Delta table and the summaries over it). Everything else is package-private.
 */
package io.longctx.transforms.eval;
