/**
 * Carries a trace context across work that leaves the current call stack: workflow steps, and a
 * run resumed in another process. OpenTelemetry's preset provides one under
 * `services.contextPropagator`; the workflow runner captures a carrier when a run starts, stores it
 * with the run, and runs each step inside it.
 *
 * @example
 * ```ts
 * import { AsyncLocalStorage } from 'node:async_hooks';
 * import type { ContextPropagator } from '@agentry/core';
 *
 * // A propagator over one AsyncLocalStorage holding a W3C traceparent.
 * const storage = new AsyncLocalStorage<Readonly<Record<string, string>>>();
 * export const propagator: ContextPropagator = {
 *   capture: () => storage.getStore(),
 *   run: (carrier, fn) => (carrier === undefined ? fn() : storage.run(carrier, fn)),
 * };
 * ```
 */
export interface ContextPropagator {
  /**
   * The current context as string fields (such as `traceparent` and `tracestate`), JSON-safe so it
   * can be stored; `undefined` when there is none.
   */
  capture(): Readonly<Record<string, string>> | undefined;
  /** Runs `fn` inside the context `carrier` describes (as is, when `carrier` is `undefined`). */
  run<T>(carrier: Readonly<Record<string, string>> | undefined, fn: () => T): T;
}
