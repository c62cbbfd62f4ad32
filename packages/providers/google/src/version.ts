/**
 * The version of `@agentry/google`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/google';
 *
 * console.log(`@agentry/google ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
