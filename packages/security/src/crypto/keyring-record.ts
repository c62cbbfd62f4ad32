import { AgentryError, type StateStore } from '@agentry/core';
import { z } from 'zod';
import { envelopeAlgorithms, type EnvelopeAlgorithm } from './envelope.js';

/**
 * The keyring record, the one entry a keyring keeps in its state store (`keyring:<name>`): key
 * ids, algorithms, statuses, times and invocation counters. Never key material.
 *
 * Invariants, kept by every writer through expected-revision writes:
 * - exactly one key is `active`; keys only move active → decrypt-only → retired;
 * - `reserved` only grows: it counts every invocation any process has reserved (used or not), so
 *   it is an upper bound of the key's uses and no count is ever handed out twice, crash or not.
 *
 * @internal
 */
export const keyEntrySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  algorithm: z.enum(envelopeAlgorithms as [EnvelopeAlgorithm, ...EnvelopeAlgorithm[]]),
  status: z.enum(['active', 'decrypt-only', 'retired']),
  createdAt: z.iso.datetime(),
  /** When it stopped being active. */
  deactivatedAt: z.iso.datetime().optional(),
  retiredAt: z.iso.datetime().optional(),
  reserved: z.int().nonnegative(),
  /** Why it became active: `initial`, `scheduled`, `invocation-limit`, `algorithm-changed`, or the caller's reason. */
  reason: z.string().max(200).optional(),
});

/** @internal */
export type KeyEntry = z.infer<typeof keyEntrySchema>;

/** @internal */
export const keyringRecordSchema = z
  .strictObject({ keys: z.array(keyEntrySchema).min(1) })
  .refine((record) => record.keys.filter((key) => key.status === 'active').length === 1, {
    message: 'A keyring has exactly one active key.',
  });

/** @internal */
export type KeyringRecord = z.infer<typeof keyringRecordSchema>;

/** What a keyring read: the record and the revision to write against. @internal */
export interface KeyringView {
  readonly revision: number;
  readonly record: KeyringRecord;
}

/** @internal */
export function activeEntry(record: KeyringRecord): KeyEntry {
  return record.keys.find((key) => key.status === 'active')!;
}

/**
 * Reads the keyring record, or `undefined` when there is none yet.
 *
 * @internal
 * @throws AgentryError `data_corrupted` when the entry is not a keyring record
 */
export async function readKeyring(
  store: StateStore,
  storeKey: string,
): Promise<KeyringView | undefined> {
  const entry = await store.get(storeKey);
  if (entry === undefined) return undefined;
  const parsed = keyringRecordSchema.safeParse(entry.data);
  if (entry.kind !== 'keyring' || !parsed.success) {
    throw new AgentryError({
      code: 'data_corrupted',
      message: `The store entry "${storeKey}" is not a keyring record.`,
      details: { key: storeKey, kind: entry.kind, issues: parsed.error?.issues.slice(0, 3) },
      suggestions: [
        'Restore the entry from a backup; without it, the keyring cannot tell which keys exist.',
      ],
    });
  }
  return { revision: entry.revision, record: parsed.data };
}

/**
 * Writes the keyring record if the entry is still at `expectedRevision` (`null`: absent). Resolves
 * to the new view, or `undefined` when another writer won (the caller re-reads and decides again).
 *
 * @internal
 */
export async function writeKeyring(
  store: StateStore,
  storeKey: string,
  record: KeyringRecord,
  expectedRevision: number | null,
): Promise<KeyringView | undefined> {
  try {
    const entry = await store.put(
      storeKey,
      { kind: 'keyring', schemaVersion: '1', data: record },
      { expectedRevision },
    );
    return { revision: entry.revision, record };
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'conflict') return undefined;
    throw error;
  }
}
