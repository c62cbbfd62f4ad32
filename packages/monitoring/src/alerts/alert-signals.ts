/**
 * What the metrics measured over a window, as {@link AlertSignals.summary} returns it.
 *
 * @example
 * ```ts
 * import type { SignalSummary } from '@agentry/monitoring';
 *
 * const quiet: SignalSummary = {
 *   requests: 120,
 *   errors: 3,
 *   errorRatePercent: 2.5,
 *   latencyMs: { p50: 180, p95: 900, mean: 240, max: 1_400 },
 *   throughputPerSecond: 2,
 *   memoryPercent: 41,
 * };
 * console.log(quiet.latencyMs.p95);
 * ```
 */
export interface SignalSummary {
  /** Requests (model calls) completed in the window. */
  readonly requests: number;
  /** Of those, the ones that failed. */
  readonly errors: number;
  /** `errors` as a percentage of `requests`, from 0 to 100 (0 when there were none). */
  readonly errorRatePercent: number;
  /** Response times in the window, in milliseconds. */
  readonly latencyMs: {
    /** The 95th percentile. */
    readonly p95: number | undefined;
    /** The mean. */
    readonly mean: number | undefined;
    /** The slowest. */
    readonly max: number | undefined;
    /** The median. */
    readonly p50: number | undefined;
  };
  /** Requests per second over the window. */
  readonly throughputPerSecond: number;
  /** Process memory in use, as a percentage of the memory available, from 0 to 100. */
  readonly memoryPercent: number | undefined;
}

/**
 * Where alerts read the measurements they compare with thresholds: the metrics registry of
 * `@agentry/monitoring` implements it; a test can pass a stand-in.
 *
 * @example
 * ```ts
 * import type { AlertSignals } from '@agentry/monitoring';
 *
 * // A stand-in whose numbers a test sets.
 * let errors = 0;
 * const signals: AlertSignals = {
 *   summary: () => ({
 *     requests: 100,
 *     errors,
 *     errorRatePercent: errors,
 *     latencyMs: { p50: 100, p95: 200, mean: 120, max: 400 },
 *     throughputPerSecond: 5,
 *     memoryPercent: 30,
 *   }),
 * };
 * errors = 12;
 * console.log(signals.summary({ windowMs: 60_000 }).errorRatePercent);
 * ```
 */
export interface AlertSignals {
  /** Summarises the last `windowMs` milliseconds. */
  summary(options: { windowMs: number }): SignalSummary;
}
