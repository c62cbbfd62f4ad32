/**
 * The version of `@agentry/realtime`, used by the plug-in registry to check other plug-ins'
 * `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/realtime';
 *
 * console.log(`@agentry/realtime ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
