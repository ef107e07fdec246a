/**
 * Reports drawn from the pipeline's Delta tables. {@link io.longctx.jobs.report.WriteReportJob} writes the
 * {@code longctx report RUN} page (HTML + PNG charts in one folder); {@link io.longctx.jobs.report.MetricCurves}
 * draws the grid of training curves that {@code train} also writes after each invocation. Everything else is
 * package-private: one class per report section, the HTML writer (which escapes all text) and the chart helpers.
 */
package io.longctx.jobs.report;
