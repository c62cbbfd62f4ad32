/** The version of `@agentry/testing`. */
export const VERSION = '0.1.0';
