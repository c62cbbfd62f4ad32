import {
  AgentryError,
  assertStoreKey,
  type StateStore,
  type StoredEnvelope,
  type UnreadableEntry,
} from '@agentry/core';
import { readEnvelopeHeader } from '../crypto/index.js';
import type { EnvelopeSealer } from './envelope-sealer.js';
import { openEntry, sealData, type OpenEntryOptions } from './entry-codec.js';
import { fromSealedData } from './sealed-data.js';

/**
 * The key {@link reencryptStore} keeps its cursor under while it runs, unless told another.
 *
 * @example
 * ```ts
 * import { defaultReencryptionCheckpointKey } from '@agentry/security';
 *
 * console.log(defaultReencryptionCheckpointKey); // 'agentry-reencryption:checkpoint'
 * ```
 */
export const defaultReencryptionCheckpointKey = 'agentry-reencryption:checkpoint';

const checkpointKind = 'agentry-reencryption-checkpoint';
const checkpointSchemaVersion = '1';
/** How many times a record rewritten by someone else is read again before it is left alone. */
const maxAttempts = 5;

/**
 * Options of {@link reencryptStore}.
 *
 * @example
 * ```ts
 * import type { EnvelopeSealer, ReencryptStoreOptions } from '@agentry/security';
 *
 * declare const keyring: EnvelopeSealer;
 * const options: ReencryptStoreOptions = { sealer: keyring, tenant: 'acme', prefix: 'agent:', batchSize: 200 };
 * console.log(options.prefix);
 * ```
 */
export interface ReencryptStoreOptions {
  /** The keyring the store is encrypted with; records are re-sealed under its active key. */
  sealer: EnvelopeSealer;
  /** The tenant given to {@link encryptStore} (default `''`). */
  tenant?: string;
  /** Re-encrypts only keys starting with this prefix (default `''`: every key). */
  prefix?: string;
  /** How many entries each page lists, 1 to 1000 (default 100); the cursor is saved after each. */
  batchSize?: number;
  /**
   * Stops the run between records when aborted; the promise rejects with `aborted` and the
   * cursor stays, so the next run resumes.
   */
  signal?: AbortSignal;
  /**
   * Where the cursor (the last key done) is kept while the run goes on, sealed like any entry, and
   * deleted when the run completes (default {@link defaultReencryptionCheckpointKey}). Runs over
   * different prefixes at the same time need different keys.
   */
  checkpointKey?: string;
  /**
   * Encrypts entries that are not encrypted yet (default `false`: they are reported under
   * `unreadable` with `data_corrupted`). For migrating a store written before encryption.
   */
  acceptPlaintext?: boolean;
  /** Called after each page with the counts so far and the last key done. */
  onProgress?: (progress: ReencryptionProgress) => void;
}

/**
 * What {@link reencryptStore} did, in total or (through `onProgress`) so far.
 *
 * @example
 * ```ts
 * import type { ReencryptionProgress } from '@agentry/security';
 *
 * const report = (progress: ReencryptionProgress) =>
 *   console.log(`${progress.reencrypted}/${progress.scanned} re-encrypted, at ${progress.after ?? 'start'}`);
 * report({ scanned: 10, reencrypted: 4, skipped: 0, alreadyCurrent: 6, unreadable: [] });
 * ```
 */
export interface ReencryptionProgress {
  /** Entries looked at in this run (a resumed run does not count those done before). */
  scanned: number;
  /** Entries re-sealed under the active key (or encrypted, when they were plaintext). */
  reencrypted: number;
  /**
   * Entries left alone because another writer deleted or rewrote them meanwhile, or kept
   * rewriting them through up to 5 reads; a rewrite through the encrypted store is
   * sealed with the active key.
   */
  skipped: number;
  /** Entries already sealed under the active key. */
  alreadyCurrent: number;
  /**
   * Entries that could not be opened (altered, moved, a missing or retired key, plaintext without
   * `acceptPlaintext`), with why; they are left as they are. Empty after a clean run.
   */
  unreadable: UnreadableEntry[];
  /** The last key done, where a resumed run continues; absent before the first page. */
  after?: string;
}

interface Checkpoint {
  readonly prefix: string;
  readonly after: string;
}

/**
 * Re-seals every entry of a store under the sealer's active key, in the background after a key
 * rotation (or, with `acceptPlaintext`, encrypts a store written before encryption was on). Give
 * it the raw store, the one {@link encryptStore} wraps: it reads each entry's envelope header to
 * tell the key that sealed it without decrypting anything that is already current.
 *
 * The store is listed page by page in key order. Each entry under another key is opened and
 * re-sealed with the same context, then written back with one `put` naming the revision read, so
 * every record is at all times either its old envelope or its new one, never a mix. When another
 * writer got there first (`conflict`), the entry is read again and retried, or left alone when it
 * is gone or now current. The write bumps the entry's `revision` like any other write, so a writer
 * holding the old revision gets `conflict` and re-reads, as it would after any concurrent write.
 *
 * Resumable: after each page the last key done is saved (sealed) under `checkpointKey`, and a run
 * that finds it there continues after that key; a crash repeats at most one page, which is
 * harmless since current entries are skipped. The checkpoint is deleted when the run completes.
 * Two runs sharing a checkpoint key are refused with `conflict`. Rotating keys again while a run
 * goes on is safe; run it once more afterwards to move what it had already passed.
 *
 * Writes going on meanwhile stay safe: a write naming the revision it read, sealed under the old
 * key just before the switch, either lands before the run reads the entry or conflicts with the
 * run's write, so it is never left behind. A write without `expectedRevision` sealed just before
 * the switch may land after the run passed its key and stay under the old key (still readable);
 * start the run once the writes in flight at the switch have landed, or run it again.
 *
 * @throws AgentryError `validation_failed` for invalid options; `aborted` when `signal` aborts;
 *   `conflict` when another run saved the same checkpoint meanwhile; what the store or sealer
 *   throws (the run can be started again and resumes)
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { reencryptStore, type EnvelopeSealer } from '@agentry/security';
 *
 * declare const keyring: EnvelopeSealer & { rotate(): Promise<unknown> };
 * const raw = createMemoryStore(); // the store encryptStore wraps
 * await keyring.rotate();
 * const result = await reencryptStore(raw, {
 *   sealer: keyring,
 *   tenant: 'acme',
 *   onProgress: (progress) => console.log(progress.scanned),
 * });
 * console.log(result.reencrypted, result.unreadable.length);
 * ```
 */
export async function reencryptStore(
  store: StateStore,
  options: ReencryptStoreOptions,
): Promise<ReencryptionProgress> {
  const { sealer, signal, onProgress } = options;
  const tenant = options.tenant ?? '';
  const prefix = options.prefix ?? '';
  const batchSize = options.batchSize ?? 100;
  const checkpointKey = options.checkpointKey ?? defaultReencryptionCheckpointKey;
  checkOptions(options, batchSize, checkpointKey);
  const reading: OpenEntryOptions = {
    sealer,
    tenant,
    acceptPlaintext: options.acceptPlaintext ?? false,
    name: undefined,
  };

  const saved = await readCheckpoint(store, reading, checkpointKey);
  let checkpointRevision: number | null = saved?.revision ?? null;
  const progress: ReencryptionProgress = {
    scanned: 0,
    reencrypted: 0,
    skipped: 0,
    alreadyCurrent: 0,
    unreadable: [],
  };
  // A checkpoint of another prefix says nothing about this one: start over (it is replaced).
  let after = saved?.checkpoint?.prefix === prefix ? saved.checkpoint.after : undefined;
  if (after !== undefined) progress.after = after;

  for (;;) {
    throwIfAborted(signal);
    const page = await store.list(prefix, {
      limit: batchSize,
      ...(after === undefined ? {} : { after }),
    });
    for (const { key, error } of page.unreadable ?? []) {
      progress.scanned += 1;
      progress.unreadable.push({ key, error });
    }
    const activeKeyId = await sealer.activeKeyId();
    for (const entry of page.entries) {
      if (entry.key === checkpointKey) continue;
      throwIfAborted(signal);
      progress.scanned += 1;
      await reencryptEntry(store, entry, activeKeyId, reading, progress);
    }
    if (page.next === undefined) break;
    after = page.next;
    progress.after = after;
    checkpointRevision = await writeCheckpoint(
      store,
      reading,
      checkpointKey,
      { prefix, after },
      checkpointRevision,
    );
    onProgress?.({ ...progress, unreadable: [...progress.unreadable] });
  }
  if (checkpointRevision !== null)
    await store
      .delete(checkpointKey, { expectedRevision: checkpointRevision })
      .catch((error: unknown) => {
        throw AgentryError.isInstance(error) && error.code === 'conflict'
          ? concurrentRun(checkpointKey)
          : error;
      });
  delete progress.after;
  onProgress?.({ ...progress, unreadable: [...progress.unreadable] });
  return progress;
}

/** The key that sealed an entry, or `undefined` for plaintext. */
function sealedBy(entry: StoredEnvelope): string | undefined {
  const envelope = fromSealedData(entry.data, entry.key);
  return envelope === undefined ? undefined : readEnvelopeHeader(envelope).keyId;
}

async function reencryptEntry(
  store: StateStore,
  first: StoredEnvelope,
  activeKeyId: string,
  reading: OpenEntryOptions,
  progress: ReencryptionProgress,
): Promise<void> {
  let entry = first;
  for (let attempt = 1; ; attempt += 1) {
    let opened: StoredEnvelope;
    try {
      if (sealedBy(entry) === activeKeyId) {
        if (attempt === 1) progress.alreadyCurrent += 1;
        else progress.skipped += 1;
        return;
      }
      opened = await openEntry(entry, reading);
    } catch (error) {
      // This one entry cannot be opened: reported, left as it is, and the run goes on.
      if (!isUnreadable(error)) throw error;
      progress.unreadable.push({ key: entry.key, error });
      return;
    }
    const sealed = await sealData(
      reading.sealer,
      reading.tenant,
      entry.key,
      entry.schemaVersion,
      JSON.stringify(opened.data),
    );
    try {
      // One put per record, naming the revision read: the record is its old envelope or its new one.
      await store.put(
        entry.key,
        { kind: entry.kind, schemaVersion: entry.schemaVersion, data: sealed },
        { expectedRevision: entry.revision },
      );
      progress.reencrypted += 1;
      return;
    } catch (error) {
      if (!AgentryError.isInstance(error) || error.code !== 'conflict') throw error;
    }
    // Someone else wrote the entry meanwhile: read what they wrote and decide again.
    if (attempt >= maxAttempts) {
      progress.skipped += 1;
      return;
    }
    let next: StoredEnvelope | undefined;
    try {
      next = await store.get(first.key);
    } catch (error) {
      if (!isUnreadable(error)) throw error;
      progress.unreadable.push({ key: first.key, error });
      return;
    }
    if (next === undefined) {
      progress.skipped += 1;
      return;
    }
    entry = next;
  }
}

function isUnreadable(error: unknown): error is AgentryError {
  return AgentryError.isInstance(error) && unreadableCodes.has(error.code);
}

/** Codes that mean this one entry cannot be read; any other failure stops the run. */
const unreadableCodes = new Set<string>([
  'data_corrupted',
  'decryption_failed',
  'envelope_invalid',
  'key_not_found',
  'key_retired',
]);

async function readCheckpoint(
  store: StateStore,
  reading: OpenEntryOptions,
  checkpointKey: string,
): Promise<{ checkpoint: Checkpoint | undefined; revision: number } | undefined> {
  let raw: StoredEnvelope | undefined;
  try {
    raw = await store.get(checkpointKey);
  } catch (error) {
    if (!isUnreadable(error)) throw error;
    // The cursor only saves work: when it cannot be read the run removes it and starts over.
    await store.delete(checkpointKey);
    return undefined;
  }
  if (raw === undefined) return undefined;
  try {
    const { data } = await openEntry(raw, { ...reading, acceptPlaintext: false });
    return { checkpoint: isCheckpoint(data) ? data : undefined, revision: raw.revision };
  } catch (error) {
    if (isUnreadable(error)) return { checkpoint: undefined, revision: raw.revision };
    throw error;
  }
}

function isCheckpoint(data: unknown): data is Checkpoint {
  if (typeof data !== 'object' || data === null) return false;
  const { prefix, after } = data as Record<string, unknown>;
  return typeof prefix === 'string' && typeof after === 'string';
}

async function writeCheckpoint(
  store: StateStore,
  reading: OpenEntryOptions,
  checkpointKey: string,
  checkpoint: Checkpoint,
  expectedRevision: number | null,
): Promise<number> {
  const sealed = await sealData(
    reading.sealer,
    reading.tenant,
    checkpointKey,
    checkpointSchemaVersion,
    JSON.stringify(checkpoint),
  );
  try {
    const written = await store.put(
      checkpointKey,
      { kind: checkpointKind, schemaVersion: checkpointSchemaVersion, data: sealed },
      { expectedRevision },
    );
    return written.revision;
  } catch (error) {
    if (AgentryError.isInstance(error) && error.code === 'conflict')
      throw concurrentRun(checkpointKey);
    throw error;
  }
}

function concurrentRun(checkpointKey: string): AgentryError {
  return new AgentryError({
    code: 'conflict',
    message: `Another re-encryption saved its cursor under "${checkpointKey}" while this one ran; this run stopped.`,
    details: { key: checkpointKey },
    suggestions: [
      'Run one re-encryption per store and prefix at a time; start this one again once the other is done, and it resumes.',
      'To re-encrypt two prefixes at once, give each its own checkpointKey.',
    ],
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  throw new AgentryError({
    code: 'aborted',
    message: 'The re-encryption was stopped; its cursor is saved, and the next run resumes there.',
    details: {},
    suggestions: ['Start reencryptStore again with the same options to continue.'],
    cause: signal.reason,
  });
}

function checkOptions(
  options: ReencryptStoreOptions,
  batchSize: number,
  checkpointKey: string,
): void {
  const problem = (path: string, message: string) =>
    new AgentryError({
      code: 'validation_failed',
      message,
      details: { path },
      suggestions: ['See ReencryptStoreOptions for what each option takes.'],
    });
  if (
    typeof options?.sealer?.seal !== 'function' ||
    typeof options.sealer.open !== 'function' ||
    typeof options.sealer.activeKeyId !== 'function'
  )
    throw problem(
      'options.sealer',
      'reencryptStore needs a sealer with seal, open and activeKeyId (a keyring).',
    );
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 1000)
    throw problem(
      'options.batchSize',
      `batchSize must be an integer from 1 to 1000, not ${String(batchSize)}.`,
    );
  assertStoreKey(checkpointKey);
}
