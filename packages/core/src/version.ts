/**
 * The version of `@agentry/core`, used in User-Agent headers and by the plug-in registry to check
 * each plug-in's `requires` range.
 */
export const VERSION = '0.1.0';
