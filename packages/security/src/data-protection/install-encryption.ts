import {
  AgentryError,
  requireAuthorization,
  type AuditEntry,
  type AuthorizationPrincipal,
  type Authorizer,
  type PluginHost,
  type StateStore,
} from '@agentry/core';
import { encryptStore, reencryptStore, type ReencryptionProgress } from '../at-rest/index.js';
import { fromSealedData } from '../at-rest/sealed-data.js';
import type { EncryptionConfig } from '../config/index.js';
import {
  createKeyring,
  readEnvelopeHeader,
  type KeyInfo,
  type Keyring,
  type KeyringEvent,
  type KeyProvider,
} from '../crypto/index.js';

/**
 * Where `security()` takes its keys from when `security.encryption.atRest` is on.
 *
 * @example
 * ```ts
 * import { createSqliteStore } from '@agentry/store-sqlite';
 * import { fileKeyProvider, type SecurityKeyOptions } from '@agentry/security';
 *
 * const keys: SecurityKeyOptions = {
 *   provider: fileKeyProvider({ directory: '/var/lib/agentry/keys' }),
 *   store: createSqliteStore({ path: '/var/lib/agentry/keyring.db' }),
 * };
 * console.log(keys.provider.name);
 * ```
 */
export interface SecurityKeyOptions {
  /** Where key material comes from: a file, environment, or your KMS (see `KeyProvider`). */
  readonly provider: KeyProvider;
  /**
   * Where the keyring keeps key ids, statuses and use counters (never key material), so they
   * survive restarts and every process sharing it agrees on the active key. Not one of the
   * stores the instance hands out (those are encrypted with these keys).
   */
  readonly store: StateStore;
  /** The tenant bound into every envelope (default `''`). */
  readonly tenant?: string;
  /**
   * How often the active key rotates when `encryption.keyRotation` is on, in milliseconds
   * (default 30 days). Keys also rotate after `maxInvocations` uses whatever this says.
   */
  readonly rotateEveryMs?: number;
  /**
   * How often the keyring re-reads its record, so a rotation or retirement by another process is
   * seen (default 1,000 ms); every process sharing `store` must use the same value.
   */
  readonly refreshMs?: number;
  /** Uses of one key before it rotates (default 2^31, half the NIST SP 800-38D bound). */
  readonly maxInvocations?: number;
  /**
   * Reads entries written before encryption was switched on (default `false`: they are refused
   * with `data_corrupted`). Turn it on, run `agentry.security.keys.reencrypt()`, turn it off.
   */
  readonly acceptPlaintext?: boolean;
}

/**
 * Key operations on `agentry.security.keys`. With access control on, each asks the policy for
 * the principal given: `read` on `keys` to list, `update` on `keys:<id>` to rotate and re-encrypt,
 * `delete` on `keys:<id>` to retire; each is audited.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import '@agentry/security';
 *
 * declare const agentry: Agentry;
 * const admin = { id: 'ops-1', roles: ['admin'] };
 * const next = await agentry.security.keys.rotate({ principal: admin, reason: 'quarterly' });
 * const report = await agentry.security.keys.reencrypt({ principal: admin });
 * console.log(next.id, report.reencrypted);
 * ```
 */
export interface SecurityKeys {
  /** The keyring's keys: ids, statuses and use counts, never material. */
  list(options?: KeyOperationOptions): Promise<readonly KeyInfo[]>;
  /** Makes a new key active; older keys still open what they sealed. */
  rotate(options?: KeyOperationOptions & { readonly reason?: string }): Promise<KeyInfo>;
  /**
   * Re-seals, under the active key, every record of every store the instance has handed out that
   * an older key sealed; resumable, each record old or new, never half-written.
   */
  reencrypt(
    options?: KeyOperationOptions & { readonly signal?: AbortSignal },
  ): Promise<ReencryptionReport>;
  /**
   * Retires a decrypt-only key: what it sealed no longer opens (`key_retired`).
   *
   * @throws AgentryError `conflict` when records sealed under it remain in a store the instance
   *   handed out (re-encrypt first), unless `force`
   */
  retire(
    keyId: string,
    options?: KeyOperationOptions & { readonly force?: boolean },
  ): Promise<void>;
}

/**
 * Who asks for a key operation.
 *
 * @example
 * ```ts
 * import type { KeyOperationOptions } from '@agentry/security';
 *
 * const options: KeyOperationOptions = { principal: { id: 'ops-1' } };
 * console.log(options.principal?.id);
 * ```
 */
export interface KeyOperationOptions {
  /** The principal acting; with access control on, the policy must allow the operation. */
  readonly principal?: AuthorizationPrincipal;
}

/**
 * What `agentry.security.keys.reencrypt()` did, per store.
 *
 * @example
 * ```ts
 * import type { ReencryptionReport } from '@agentry/security';
 *
 * const report: ReencryptionReport = { reencrypted: 0, stores: {} };
 * console.log(report.reencrypted);
 * ```
 */
export interface ReencryptionReport {
  /** Records re-sealed in all stores. */
  readonly reencrypted: number;
  /** Each store's counts. */
  readonly stores: Readonly<Record<string, ReencryptionProgress>>;
}

/** @internal */
export interface InstalledEncryption {
  readonly keyring: Keyring;
  /** Encrypts a store the plug-in was given (the audit log's), as the instance's stores are. */
  wrap(store: StateStore, name: string): StateStore;
  readonly keys: SecurityKeys;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

/** @internal Builds the keyring and wraps every store the instance hands out. */
export async function installEncryption(
  host: PluginHost,
  config: EncryptionConfig,
  options: SecurityKeyOptions,
  hooks: {
    readonly authorizer: () => Authorizer | undefined;
    readonly audit: (entry: Omit<AuditEntry, 'at'>) => Promise<void>;
  },
): Promise<InstalledEncryption> {
  const tenant = options.tenant ?? '';
  // Key events that an operation below audits itself (with who asked), so each action has exactly
  // one audit entry: `rotated-from:<previous key>` and `retired:<key>`.
  const auditedByOperation = new Set<string>();
  const keyring = await createKeyring({
    algorithm: config.algorithm,
    provider: options.provider,
    store: options.store,
    rotation: {
      ...(config.keyRotation ? { everyMs: options.rotateEveryMs ?? 30 * DAY_MS } : {}),
      ...(options.maxInvocations === undefined ? {} : { maxInvocations: options.maxInvocations }),
    },
    ...(options.refreshMs === undefined ? {} : { refreshMs: options.refreshMs }),
    onEvent: (event) => {
      const token =
        event.type === 'key-rotated'
          ? `rotated-from:${event.previousKeyId ?? ''}`
          : event.type === 'key-retired'
            ? `retired:${event.keyId}`
            : undefined;
      const audited = token !== undefined && auditedByOperation.delete(token);
      onKeyEvent(host, audited ? undefined : hooks.audit, event);
    },
  });
  // The stores as they were before encryption, by name, for re-encryption and retirement.
  const raw = new Map<string, StateStore>();
  const wrap = (store: StateStore, name: string): StateStore => {
    raw.set(name, store);
    return encryptStore(store, {
      sealer: keyring,
      tenant,
      name,
      ...(options.acceptPlaintext === true ? { acceptPlaintext: true } : {}),
    });
  };
  host.wrapStore(wrap);

  const ask = async (
    principal: AuthorizationPrincipal | undefined,
    action: string,
    id: string | undefined,
    operation: string,
  ) => {
    const authorizer = hooks.authorizer();
    if (principal === undefined || authorizer === undefined) return;
    await requireAuthorization(authorizer, {
      principal,
      action,
      resource: id === undefined ? { type: 'keys' } : { type: 'keys', id },
      context: { operation },
    });
  };
  const actorOf = (principal: AuthorizationPrincipal | undefined) => principal?.id ?? 'application';

  const keys: SecurityKeys = {
    async list(operation = {}) {
      await ask(operation.principal, 'read', undefined, 'keys.list');
      return keyring.keys();
    },
    async rotate(operation = {}) {
      const active = await keyring.activeKeyId();
      await ask(operation.principal, 'update', active, 'keys.rotate');
      auditedByOperation.add(`rotated-from:${active}`);
      const info = await keyring.rotate(operation.reason ?? 'requested').finally(() => {
        auditedByOperation.delete(`rotated-from:${active}`);
      });
      await hooks.audit({
        category: 'security',
        action: 'keys.rotate',
        actor: actorOf(operation.principal),
        subject: `keys:${info.id}`,
        outcome: 'succeeded',
        details: { previousKeyId: active, reason: operation.reason ?? 'requested' },
      });
      return info;
    },
    async reencrypt(operation = {}) {
      const active = await keyring.activeKeyId();
      await ask(operation.principal, 'update', active, 'keys.reencrypt');
      const stores: Record<string, ReencryptionProgress> = {};
      let total = 0;
      for (const [name, store] of raw) {
        const progress = await reencryptStore(store, {
          sealer: keyring,
          tenant,
          ...(options.acceptPlaintext === true ? { acceptPlaintext: true } : {}),
          ...(operation.signal === undefined ? {} : { signal: operation.signal }),
        });
        stores[name] = progress;
        total += progress.reencrypted;
      }
      await hooks.audit({
        category: 'security',
        action: 'keys.reencrypt',
        actor: actorOf(operation.principal),
        subject: `keys:${active}`,
        outcome: 'succeeded',
        details: {
          reencrypted: total,
          unreadable: Object.values(stores).reduce((sum, p) => sum + p.unreadable.length, 0),
        },
      });
      return { reencrypted: total, stores };
    },
    async retire(keyId, operation = {}) {
      await ask(operation.principal, 'delete', keyId, 'keys.retire');
      if (operation.force !== true) {
        const left = await recordsUnder(raw, keyId);
        if (left.count > 0) {
          throw new AgentryError({
            code: 'conflict',
            message: `Key "${keyId}" still seals ${left.count} record(s) (in ${left.stores.join(', ')}); retiring it would make them unreadable.`,
            details: { keyId, records: left.count, stores: left.stores },
            suggestions: [
              'Run agentry.security.keys.reencrypt() first, then retire the key.',
              'Pass { force: true } only to make those records unreadable on purpose.',
            ],
          });
        }
      }
      auditedByOperation.add(`retired:${keyId}`);
      await keyring.retire(keyId).finally(() => auditedByOperation.delete(`retired:${keyId}`));
      await hooks.audit({
        category: 'security',
        action: 'keys.retire',
        actor: actorOf(operation.principal),
        subject: `keys:${keyId}`,
        outcome: 'succeeded',
        ...(operation.force === true ? { details: { force: true } } : {}),
      });
    },
  };
  return { keyring, wrap, keys, close: () => keyring.close() };
}

/** Counts the records sealed under `keyId` in the raw stores. */
async function recordsUnder(
  raw: ReadonlyMap<string, StateStore>,
  keyId: string,
): Promise<{ count: number; stores: string[] }> {
  let count = 0;
  const stores: string[] = [];
  for (const [name, store] of raw) {
    let after: string | undefined;
    let here = 0;
    do {
      const page = await store.list('', { limit: 500, ...(after === undefined ? {} : { after }) });
      for (const entry of page.entries) {
        const envelope = safeEnvelope(entry.data, entry.key);
        if (envelope !== undefined && readEnvelopeHeader(envelope).keyId === keyId) here += 1;
      }
      after = page.next;
    } while (after !== undefined);
    if (here > 0) {
      count += here;
      stores.push(name);
    }
  }
  return { count, stores };
}

function safeEnvelope(data: unknown, key: string): Uint8Array | undefined {
  try {
    return fromSealedData(data, key);
  } catch {
    return undefined;
  }
}

/**
 * Key life-cycle events: a security event each (ids only), and an audit entry each unless the
 * operation that caused it audits itself (`audit` undefined).
 */
function onKeyEvent(
  host: PluginHost,
  audit: ((entry: Omit<AuditEntry, 'at'>) => Promise<void>) | undefined,
  event: KeyringEvent,
): void {
  const failed = event.type === 'key-rotation-error';
  host.emit({
    type: 'security',
    category: event.type,
    severity: failed ? 'high' : event.type === 'key-limit-reached' ? 'medium' : 'low',
    at: Date.parse(event.at),
    resource: `keys:${event.keyId}`,
    ...(failed ? { reason: event.code } : {}),
  });
  if (audit === undefined) return;
  void audit({
    category: 'security',
    action: `keys.${event.type.slice('key-'.length)}`,
    actor: '@agentry/security',
    subject: `keys:${event.keyId}`,
    outcome: failed ? 'failed' : 'succeeded',
    details: Object.fromEntries(
      Object.entries(event).filter(
        ([name]) => name !== 'type' && name !== 'at' && name !== 'keyId',
      ),
    ),
  }).catch(() => undefined);
}

/** `agentry.security.keys` when encryption at rest is off: every operation says so. */
/** @internal */
export function encryptionOff(): SecurityKeys {
  const off = () =>
    Promise.reject(
      new AgentryError({
        code: 'config_invalid',
        message:
          'Encryption at rest is off (security.encryption.atRest is not true), so there are no keys to operate on.',
        details: { path: ['security', 'encryption', 'atRest'] },
        suggestions: ['Set security.encryption.atRest to true and pass security({ keys }).'],
      }),
    );
  return { list: off, rotate: off, reencrypt: off, retire: off };
}
