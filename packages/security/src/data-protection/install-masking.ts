import { services, type PluginHost } from '@agentry/core';
import { createMasker, createStreamMasker, type MaskerOptions } from '../masking/index.js';
import { maskingStoreWrapper } from './mask-store.js';

/**
 * Provides the instance's masker (logs, spans, realtime events, errors and audit entries pass
 * through it), with streams for text sent in chunks, and masks the chosen kinds of stored entries.
 * Installed after encryption, so a stored entry is masked first and then encrypted.
 */
/** @internal */
export function installMasking(
  host: PluginHost,
  options: (MaskerOptions & { readonly persisted?: readonly string[] }) | undefined,
): void {
  const { persisted = [], ...maskerOptions } = options ?? {};
  const masker = createMasker(maskerOptions);
  host.provide(services.masker, {
    mask: (value, context) => masker.mask(value, context),
    stream: (context) => createStreamMasker({ ...maskerOptions, context }),
  });
  if (persisted.length > 0) {
    host.wrapStore(maskingStoreWrapper({ masker: () => masker, kinds: persisted }));
  }
}
