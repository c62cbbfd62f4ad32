/**
 * The version of `@agentry/security`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/security';
 *
 * console.log(`@agentry/security ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
