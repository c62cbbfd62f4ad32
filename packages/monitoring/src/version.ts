/**
 * The version of `@agentry/monitoring`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/monitoring';
 *
 * console.log(`@agentry/monitoring ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
