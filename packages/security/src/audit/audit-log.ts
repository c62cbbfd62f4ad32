import { AgentryError, type AuditEntry } from '@agentry/core';
import type { AuditLog, AuditLogOptions, AuditRecord } from './audit-log-types.js';
import {
  canonicalBytes,
  canonicalText,
  chainHash,
  checkEntry,
  layout,
  recordKinds,
  recordLeaf,
  toRecordFields,
  type HeadData,
  type StoredAuditRecord,
} from './audit-record.js';
import { signCheckpoint, type AuditCheckpoint } from './checkpoint.js';
import { checkpointVerifier } from './checkpoint-signer.js';
import { inclusionPath, MerkleFrontier } from './merkle-tree.js';
import { openSealed, SubjectKeys } from './personal-data.js';
import { readCheckpointNotes, readHead, readRecords, readRows, type ReadHead } from './read-log.js';
import { tamperedError, verifyAuditLog } from './verify-audit-log.js';

type QueueItem =
  | {
      readonly kind: 'append';
      readonly entry: AuditEntry;
      readonly internal: boolean;
      readonly resolve: () => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'checkpoint';
      readonly resolve: (checkpoint: AuditCheckpoint) => void;
      readonly reject: (error: unknown) => void;
    };

/** The writer's view of the head: what it last committed or read. */
interface WriterHead {
  readonly revision: number | null;
  readonly size: number;
  readonly hash: Buffer;
  readonly frontier: MerkleFrontier;
  readonly pending: readonly StoredAuditRecord[];
  readonly checkpoints: readonly { readonly size: number; readonly note: string }[];
}

/** setImmediate as the module found it: fake timers installed later must not stall appends. */
const nextTurn = globalThis.setImmediate;
const LOG_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_RETRIES = 50;

function unavailable(log: string, error: unknown): AgentryError {
  return new AgentryError({
    code: 'audit_unavailable',
    message: `Audit log "${log}" could not write to its store, so the entry was not recorded; refuse the action it guards.`,
    details: { log, cause: AgentryError.isInstance(error) ? error.code : 'error' },
    suggestions: ['Check that the store is reachable and writable, then retry the action.'],
    cause: error,
  });
}

function isConflict(error: unknown): boolean {
  return AgentryError.isInstance(error) && error.code === 'conflict';
}

function toWriterHead(read: ReadHead): WriterHead {
  return {
    revision: read.revision,
    size: read.data.size,
    hash: Buffer.from(read.data.hash, 'hex'),
    frontier: new MerkleFrontier(
      read.data.size,
      read.data.frontier.map((node) => Buffer.from(node, 'hex')),
    ),
    pending: read.data.pending,
    checkpoints: read.data.checkpoints,
  };
}

/**
 * Creates a tamper-evident audit log in a store: an `AuditSink` to give core as
 * `services.auditSink`, whose entries form one linear hash chain
 * (h_i = SHA-256(canon(e_i) ‖ h_{i-1}), canon = RFC 8785 JSON, h_{-1} = 32 zero bytes) and one RFC
 * 6962 Merkle tree, with Ed25519 checkpoints in the C2SP tlog-checkpoint format.
 *
 * How appends stay one chain and stay fast:
 *
 * - In one process, appends queue; the appends that arrive while a write is in flight go out
 *   together in the next (group commit), as one head update plus one create-only record per
 *   entry, which the SQLite store commits in one transaction and one fsync.
 * - Across processes, the head record (`audit:<name>:head`) is written with the revision it was
 *   read at: on `conflict` the writer re-reads it, re-numbers its batch after the winner's and
 *   retries. The head carries the entries not yet written under their own keys, so a process
 *   killed mid-append leaves either the whole batch or none of it, and the next writer finishes
 *   writing it.
 * - `append` resolves only once the head holding the entry has committed.
 *
 * @throws AgentryError `validation_failed` for an invalid name or option
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from 'node:crypto';
 * import { createSqliteStore } from '@agentry/store-sqlite';
 * import { createAuditLog, createCheckpointSigner } from '@agentry/security';
 *
 * const { privateKey } = generateKeyPairSync('ed25519');
 * const signer = createCheckpointSigner({ name: 'example.com/audit', privateKey });
 * const log = createAuditLog({ store: createSqliteStore({ path: './data/audit.db' }), signer });
 * await log.append({ at: new Date().toISOString(), category: 'security', action: 'tool.denied', actor: 'user-42' });
 * console.log(await log.verify()); // { ok: true, entries: 1, checkpoints: 0 }
 * console.log(signer.verifierKey); // give this to auditors
 * await log.close();
 * ```
 */
export function createAuditLog(options: AuditLogOptions): AuditLog {
  const { store, signer } = options;
  const log = options.name ?? 'audit';
  if (!LOG_NAME.test(log))
    throw new AgentryError({
      code: 'validation_failed',
      message: `The audit log name ${JSON.stringify(log).slice(0, 80)} is not valid.`,
      details: { path: 'name' },
      suggestions: ['Use 1 to 64 characters of A-Z a-z 0-9 . _ -, such as `audit`.'],
    });
  const origin = options.origin ?? signer.name;
  const everyEntries = options.checkpoint?.everyEntries ?? 1000;
  const everyMs = options.checkpoint?.everyMs ?? 5000;
  const maxBatch = options.maxBatch ?? 500;
  for (const [path, value, min] of [
    ['checkpoint.everyEntries', everyEntries, 1],
    ['checkpoint.everyMs', everyMs, 0],
    ['maxBatch', maxBatch, 1],
  ] as const)
    if (!Number.isSafeInteger(value) || value < min)
      throw new AgentryError({
        code: 'validation_failed',
        message: `${path} must be an integer of at least ${min}; it is ${String(value)}.`,
        details: { path },
        suggestions: [`Set ${path} to ${min} or more.`],
      });
  const keys =
    options.personalData === undefined ? undefined : new SubjectKeys(log, options.personalData);

  // Writer state, owned by `drain` (one at a time): the head as last committed or read
  // (`undefined`: read it before writing), the first index whose `e:` record is not known to be
  // written, and checkpoint sizes known written.
  let head: WriterHead | undefined;
  let materialised = 0;
  const writtenCheckpoints = new Set<number>();
  let lastCheckpointSize = 0;
  const queue: QueueItem[] = [];
  let draining = false;
  let closed = false;

  const timer =
    everyMs > 0
      ? setInterval(() => {
          if (head !== undefined && head.size > lastCheckpointSize && !closed)
            enqueueCheckpoint().catch(() => {
              // Retried at the next tick; appends report store failures themselves.
            });
        }, everyMs)
      : undefined;
  timer?.unref();

  /** The head as stored; a head that does not parse is tampering (an edit at entry 0). */
  async function readIntactHead() {
    const read = await readHead(store, log);
    if ('malformed' in read)
      throw tamperedError(log, {
        ok: false,
        index: 0,
        problem: 'edited',
        message: 'the head record is damaged',
      });
    return read;
  }

  async function loadHead(): Promise<WriterHead> {
    const read = await readIntactHead();
    if (read.revision === null) {
      // No head but entries: the head was deleted; appending would fork the chain.
      const rows = await readRows(store, log, 0, 1);
      if (rows.length > 0)
        throw tamperedError(log, {
          ok: false,
          index: 0,
          problem: 'deleted',
          message: 'the head record is missing while entries exist',
        });
    }
    const loaded = toWriterHead(read);
    // Whatever the head no longer carries was written under `e:` by the writer that dropped it.
    materialised = Math.max(materialised, read.data.pending[0]?.index ?? read.data.size);
    return loaded;
  }

  /** Create-only writes of what the head carries; a conflict means the record exists. */
  function materialise(base: WriterHead): Promise<void>[] {
    const writes: Promise<void>[] = [];
    for (const record of base.pending) {
      if (record.index < materialised) continue;
      writes.push(
        store
          .put(
            layout.entry(log, record.index),
            { kind: recordKinds.entry, schemaVersion: recordKinds.schemaVersion, data: record },
            { expectedRevision: null },
          )
          .then(
            () => undefined,
            (error: unknown) => {
              if (!isConflict(error)) throw error;
            },
          ),
      );
    }
    for (const checkpoint of base.checkpoints) {
      if (writtenCheckpoints.has(checkpoint.size)) continue;
      writes.push(writeCheckpoint(checkpoint.size, checkpoint.note));
    }
    return writes;
  }

  function writeCheckpoint(size: number, note: string): Promise<void> {
    return store
      .put(
        layout.checkpoint(log, size),
        { kind: recordKinds.checkpoint, schemaVersion: recordKinds.schemaVersion, data: { note } },
        { expectedRevision: null },
      )
      .then(
        () => void writtenCheckpoints.add(size),
        (error: unknown) => {
          if (!isConflict(error)) throw error;
          writtenCheckpoints.add(size);
        },
      );
  }

  /** Records which of the materialising writes landed: the watermark moves up to the first failure. */
  function settleMaterialised(base: WriterHead, results: PromiseSettledResult<void>[]): void {
    let next = base.size;
    let position = 0;
    for (const record of base.pending) {
      if (record.index < materialised) continue;
      if (results[position]?.status === 'rejected') {
        next = Math.min(next, record.index);
      }
      position += 1;
    }
    materialised = Math.max(materialised, next);
  }

  async function writeBatch(items: Extract<QueueItem, { kind: 'append' }>[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const base = head ?? (head = await loadHead());
      const frontier = base.frontier.clone();
      let previous = base.hash;
      const records: StoredAuditRecord[] = [];
      const checkpoints: { size: number; note: string }[] = [];
      for (const [offset, item] of items.entries()) {
        const index = base.size + offset;
        let fields = toRecordFields(index, item.entry);
        if (keys !== undefined && !item.internal) fields = await keys.seal(item.entry, fields);
        const canonical = canonicalText(fields);
        previous = chainHash(canonical, previous);
        frontier.append(recordLeaf(canonical));
        records.push({ ...fields, hash: previous.toString('hex') });
        if (frontier.size % everyEntries === 0)
          checkpoints.push(signCheckpoint(signer, origin, frontier.size, frontier.root()));
      }
      const carried = base.pending.filter((record) => record.index >= materialised);
      const next: HeadData = {
        size: frontier.size,
        hash: previous.toString('hex'),
        frontier: frontier.nodes.map((node) => node.toString('hex')),
        pending: [...carried, ...records],
        checkpoints: [
          ...base.checkpoints.filter((checkpoint) => !writtenCheckpoints.has(checkpoint.size)),
          ...checkpoints.map(({ size, note }) => ({ size, note })),
        ],
      };
      // Issued in one turn: the SQLite store commits them in one transaction. The records are
      // those of a committed head, so writing them is right whether or not this head wins.
      const writes = materialise(base);
      const headWrite = store.put(
        layout.head(log),
        { kind: recordKinds.head, schemaVersion: recordKinds.schemaVersion, data: next },
        { expectedRevision: base.revision },
      );
      const [written, ...results] = await Promise.allSettled([headWrite, ...writes]);
      settleMaterialised(base, results.slice(0, carried.length));
      if (written.status === 'fulfilled') {
        head = {
          revision: written.value.revision,
          size: next.size,
          hash: previous,
          frontier,
          pending: next.pending,
          checkpoints: next.checkpoints,
        };
        if (checkpoints.length > 0) lastCheckpointSize = Math.max(lastCheckpointSize, next.size);
        for (const item of items) item.resolve();
        return;
      }
      head = undefined;
      if (!isConflict(written.reason) || attempt >= MAX_RETRIES) {
        const error = unavailable(log, written.reason);
        for (const item of items) item.reject(error);
        return;
      }
    }
  }

  async function makeCheckpoint(): Promise<AuditCheckpoint> {
    try {
      const base = head ?? (head = await loadHead());
      const checkpoint = signCheckpoint(signer, origin, base.size, base.frontier.root());
      await Promise.all([...materialise(base), writeCheckpoint(base.size, checkpoint.note)]);
      lastCheckpointSize = Math.max(lastCheckpointSize, base.size);
      return checkpoint;
    } catch (error) {
      head = undefined;
      throw AgentryError.isInstance(error) && error.code === 'audit_tampered'
        ? error
        : unavailable(log, error);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) {
        // One turn of the event loop lets the appends issued together (and the callers woken by
        // the last write) join this batch.
        await new Promise<void>((resolve) => nextTurn(resolve));
        const batch: Extract<QueueItem, { kind: 'append' }>[] = [];
        while (batch.length < maxBatch && queue[0]?.kind === 'append')
          batch.push(queue.shift() as Extract<QueueItem, { kind: 'append' }>);
        if (batch.length > 0) {
          try {
            await writeBatch(batch);
          } catch (error) {
            head = undefined;
            const failure =
              AgentryError.isInstance(error) &&
              [
                'audit_tampered',
                'audit_unavailable',
                'validation_failed',
                'not_serializable',
              ].includes(error.code)
                ? error
                : unavailable(log, error);
            for (const item of batch) item.reject(failure);
          }
          continue;
        }
        const item = queue.shift();
        if (item?.kind === 'checkpoint') await makeCheckpoint().then(item.resolve, item.reject);
      }
      // Idle: write what the head still carries, so the head stays small.
      if (head !== undefined && head.pending.some((record) => record.index >= materialised)) {
        const base = head;
        const results = await Promise.allSettled(materialise(base));
        settleMaterialised(base, results);
      }
    } finally {
      draining = false;
      if (queue.length > 0) startDrain();
    }
  }

  function startDrain(): void {
    if (draining) return;
    draining = true;
    void drain();
  }

  function closedError(): AgentryError {
    return new AgentryError({
      code: 'invalid_transition',
      message: `Audit log "${log}" is closed.`,
      details: { log, state: 'closed' },
      suggestions: ['Create the audit log again, or close it last.'],
    });
  }

  function enqueueAppend(entry: AuditEntry, internal: boolean): Promise<void> {
    if (closed) return Promise.reject(closedError());
    try {
      checkEntry(entry);
      // Refused now, with the path, rather than inside a batch it would fail.
      canonicalBytes(toRecordFields(0, entry));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<void>((resolve, reject) => {
      queue.push({ kind: 'append', entry, internal, resolve, reject });
      startDrain();
    });
  }

  function enqueueCheckpoint(): Promise<AuditCheckpoint> {
    return new Promise<AuditCheckpoint>((resolve, reject) => {
      queue.push({ kind: 'checkpoint', resolve, reject });
      startDrain();
    });
  }

  async function waitIdle(): Promise<void> {
    while (draining || queue.length > 0) await new Promise<void>((resolve) => nextTurn(resolve));
  }

  async function currentHead(): Promise<HeadData> {
    return (await readIntactHead()).data;
  }

  const verifier = checkpointVerifier(signer.verifierKey);

  return {
    append: (entry) => enqueueAppend(entry, false),

    verify: () => verifyAuditLog(store, { name: log, verifier, origin }),

    async assertIntact() {
      const result = await verifyAuditLog(store, { name: log, verifier, origin });
      if (result.ok) return result;
      throw tamperedError(log, result);
    },

    checkpoint() {
      if (closed) return Promise.reject(closedError());
      return enqueueCheckpoint();
    },

    async head() {
      const data = await currentHead();
      const frontier = new MerkleFrontier(
        data.size,
        data.frontier.map((node) => Buffer.from(node, 'hex')),
      );
      return { size: data.size, hash: data.hash, rootHash: frontier.root().toString('base64') };
    },

    async entries(range = {}) {
      const data = await currentHead();
      const from = Math.max(0, range.from ?? 0);
      const to = Math.min(data.size, range.to ?? data.size);
      if (to <= from) return [];
      const records = await readRecords(store, log, data, from, to);
      const keyCache = new Map<string, Awaited<ReturnType<SubjectKeys['keyById']>>>();
      const result: AuditRecord[] = [];
      for (const record of records) {
        const { index, hash, sealed, ...fields } = record;
        if (sealed === undefined) {
          result.push({ index, hash, entry: fields, erased: false });
          continue;
        }
        let key = keyCache.get(sealed.keyId);
        if (key === undefined && !keyCache.has(sealed.keyId)) {
          key = keys === undefined ? undefined : await keys.keyById(sealed.keyId);
          keyCache.set(sealed.keyId, key);
        }
        const context = { tenant: log, key: `audit:${log}:${index}`, field: 'personal' };
        const opened = openSealed(record, key, context);
        result.push({ index, hash, entry: { ...fields, ...opened.fields }, erased: opened.erased });
      }
      return result;
    },

    async proveInclusion(index) {
      await waitIdle();
      const data = await currentHead();
      if (!Number.isSafeInteger(index) || index < 0 || index >= data.size)
        throw new AgentryError({
          code: 'not_found',
          message: `Audit log "${log}" has no entry ${index}; it holds ${data.size}.`,
          details: { log, index, size: data.size },
          suggestions: ['Ask for an index below the log size (head().size).'],
        });
      const notes = await readCheckpointNotes(store, log);
      const sizes = [
        ...notes.map((note) => note.keySize),
        ...data.checkpoints.map((checkpoint) => checkpoint.size),
      ].filter((size) => Number.isFinite(size) && size > index && size <= data.size);
      let checkpoint: AuditCheckpoint;
      if (sizes.length === 0) {
        checkpoint = await enqueueCheckpoint();
      } else {
        const size = Math.max(...sizes);
        const note =
          (notes.find((candidate) => candidate.keySize === size)?.note as string | undefined) ??
          data.checkpoints.find((candidate) => candidate.size === size)!.note;
        const [, , rootHash = ''] = note.split('\n');
        checkpoint = { origin, size, rootHash, note };
      }
      const records = await readRecords(store, log, data, 0, checkpoint.size);
      const leaves = records.map((record) => recordLeaf(canonicalBytes(record)));
      return {
        index,
        treeSize: checkpoint.size,
        path: inclusionPath(leaves, index, checkpoint.size).map((hash) => hash.toString('base64')),
        record: records[index]!,
        checkpoint,
      };
    },

    async eraseSubject(subjectId) {
      if (keys === undefined)
        throw new AgentryError({
          code: 'validation_failed',
          message: `Audit log "${log}" seals no personal data, so there is no subject key to erase.`,
          details: { log },
          suggestions: ['Create the log with the personalData option to make subjects erasable.'],
        });
      const keyId = await keys.erase(subjectId);
      await enqueueAppend(
        {
          at: new Date().toISOString(),
          category: 'data',
          action: 'audit.subject-erase',
          actor: '@agentry/security',
          outcome: 'succeeded',
          details: { keyId: keyId ?? null },
        },
        true,
      );
      return keyId !== undefined;
    },

    async close() {
      if (closed) return;
      await waitIdle();
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      if (head !== undefined && head.size > lastCheckpointSize) await makeCheckpoint();
      else if (head !== undefined) await Promise.allSettled(materialise(head));
    },
  };
}
