// TODO(lead): import from @agentry/core once core-ops lands
import { defineServiceKey, type ServiceKey } from '@agentry/core';

/**
 * Carries trace context across workflow steps and resumes: `capture` reads the active context into
 * a carrier a journal can store, `run` calls a function inside the context a carrier describes.
 *
 * @example
 * ```ts
 * import { createOtelContextPropagator } from '@agentry/monitoring';
 *
 * const propagator = createOtelContextPropagator();
 * const carrier = propagator.capture();
 * propagator.run(carrier, () => console.log('inside the captured trace'));
 * ```
 */
export interface ContextPropagator {
  /** The active context as string fields (W3C `traceparent`, `tracestate`), or `undefined` when none. */
  capture(): Readonly<Record<string, string>> | undefined;
  /** Calls `fn` inside the context `carrier` describes (the active one when `carrier` is `undefined`). */
  run<T>(carrier: Readonly<Record<string, string>> | undefined, fn: () => T): T;
}

/** @internal The service key core will declare as `services.contextPropagator`. */
export const contextPropagatorKey: ServiceKey<ContextPropagator> =
  defineServiceKey<ContextPropagator>('agentry.context-propagator');
