import { abortChecks } from './abort-checks.js';
import { capabilityChecks } from './capability-checks.js';
import { errorChecks, retryChecks } from './error-checks.js';
import type { ProviderCheck } from './provider-check.js';
import { streamChecks } from './stream-checks.js';
import { toolCallChecks } from './tool-call-checks.js';
import { usageChecks } from './usage-checks.js';

/**
 * Every check of the provider conformance kit, in the order the suite registers them.
 *
 * @internal
 */
export const providerChecks: readonly ProviderCheck[] = [
  ...streamChecks,
  ...usageChecks,
  ...toolCallChecks,
  ...abortChecks,
  ...errorChecks,
  ...retryChecks,
  ...capabilityChecks,
];
