/**
 * The version of `@agentry/monitoring-otel`.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/monitoring-otel';
 *
 * console.log(`@agentry/monitoring-otel ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
