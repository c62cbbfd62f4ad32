/** The version of this package, as in its package.json; the plug-in declares it. */
export const VERSION = '0.0.0';
