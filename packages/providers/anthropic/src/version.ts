/**
 * The version of `@agentry/anthropic`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/anthropic';
 *
 * console.log(`@agentry/anthropic ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
