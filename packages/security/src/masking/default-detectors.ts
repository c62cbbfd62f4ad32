import type { Detector } from './detector.js';
import { personalDetectors } from './personal-detectors.js';
import { secretDetectors } from './secret-detectors.js';

/**
 * The built-in detectors, secrets first: `private-key`, `jwt`, `anthropic`, `openai`, `google`,
 * `aws-access-key-id`, `aws-secret-access-key`, `github`, `slack`, `authorization`,
 * `url-credentials`, `password` (kind `secret`, labels `SECRET:<name>`, both AWS ones
 * `SECRET:aws`), then `email`, `card`, `iban`, `ssn`, `phone`, `ipv6`, `ipv4` (kind `personal`,
 * labels `EMAIL`, `CARD`, `IBAN`, `SSN`, `PHONE`, `IP`). Choose among them with the `include` and
 * `exclude` options of {@link createMasker}, or extend the list with your own {@link Detector}s.
 *
 * @example
 * ```ts
 * import { createMasker, defaultDetectors } from '@agentry/security';
 *
 * console.log(defaultDetectors.map((detector) => detector.name).join(', '));
 * const secretsOnly = createMasker({
 *   detectors: defaultDetectors.filter((detector) => detector.kind === 'secret'),
 * });
 * console.log(secretsOnly.mask('mail a@b.example', { purpose: 'log' })); // unchanged
 * ```
 */
export const defaultDetectors: readonly Detector[] = Object.freeze([
  ...secretDetectors,
  ...personalDetectors,
]);
