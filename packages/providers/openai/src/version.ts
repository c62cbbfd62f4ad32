/**
 * The version of `@agentry/openai`, used in User-Agent headers and by the plug-in registry to check
 * other plug-ins' `requires` ranges.
 *
 * @example
 * ```ts
 * import { VERSION } from '@agentry/openai';
 *
 * console.log(`@agentry/openai ${VERSION}`);
 * ```
 */
export const VERSION = '0.1.0';
