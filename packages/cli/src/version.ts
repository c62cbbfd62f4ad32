/**
 * The version of `@agentry/cli`.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/cli';
 * console.log(`agentry ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
