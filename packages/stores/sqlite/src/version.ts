/**
 * The version of `@agentry/store-sqlite`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/store-sqlite';
 *
 * console.log(`@agentry/store-sqlite ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
