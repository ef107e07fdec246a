/**
 * The HTTP client of the pipeline's calls to OpenAI-compatible servers (the judge, rollouts from an inference
 * server): {@link io.longctx.common.http.RetryingHttp} sends a request with a per-request timeout and bounded
 * retries with exponential backoff on 429, 5xx, timeouts, connection failures and (when asked) malformed replies,
 * and says how the call ended ({@link io.longctx.common.http.RetryingHttp.Outcome}) instead of throwing.
 */
package io.longctx.common.http;
