/**
 * The version of `@agentry/workflows`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/workflows';
 *
 * console.log(`@agentry/workflows ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
