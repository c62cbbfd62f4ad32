import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentryError, type PluginHost, type StateStore } from '@agentry/core';
import type { AuditEntry, AuditSink, Logger } from '../../logging/core-interfaces.js';
import { maskLogValue } from '../../logging/mask-log-value.js';

/**
 * Where the audit trail is kept: appended as JSON lines to a file, or written to a state store
 * under monotonically numbered keys (`audit:0000000000000001`, …) that are only ever created,
 * never overwritten.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import type { AuditTrailDestination } from '@agentry/monitoring';
 *
 * const toFile: AuditTrailDestination = { file: '/var/log/agentry/audit.jsonl' };
 * const toStore: AuditTrailDestination = { store: createMemoryStore(), prefix: 'audit:' };
 * console.log(toFile, toStore);
 * ```
 */
export type AuditTrailDestination =
  | {
      /** The file the entries are appended to (created with its directory). */
      readonly file: string;
    }
  | {
      /** The store the entries are written to; take it from `agentry.store(name)` or a store package. */
      readonly store: StateStore;
      /** The keys' prefix; default `audit:`. */
      readonly prefix?: string;
    };

/**
 * The append-only audit trail monitoring provides as the audit sink.
 *
 * @example
 * ```ts
 * import type { AuditTrail } from '@agentry/monitoring';
 *
 * declare const trail: AuditTrail;
 * await trail.append({ at: new Date().toISOString(), category: 'configuration', action: 'configuration.reload' });
 * const entries = await trail.readAuditTrail();
 * console.log(entries.length, trail.failedAppends());
 * ```
 */
export interface AuditTrail extends AuditSink {
  /**
   * Appends one entry, its details masked like a log line, and logs it. An entry that could not
   * be kept is logged as an error and counted, and the returned promise rejects.
   *
   * @throws AgentryError `validation_failed` when the entry is malformed
   */
  append(entry: AuditEntry): Promise<void>;
  /**
   * Reads every entry, oldest first.
   *
   * @throws AgentryError `data_corrupted` when a line or record is not an entry
   */
  readAuditTrail(): Promise<AuditEntry[]>;
  /** How many appends failed since the trail was made. */
  failedAppends(): number;
}

const categories = new Set(['configuration', 'plugin', 'alert', 'security', 'data']);
const sequenceDigits = 16;
// Another writer (a second process on the same store) may take a number first; each conflict
// moves on to the next number.
const maxConflicts = 20;

/** Options of {@link createAuditTrail}. @internal */
export interface CreateAuditTrailOptions {
  readonly destination: AuditTrailDestination;
  readonly logger: Logger;
  readonly lookup: PluginHost['lookup'];
}

/** Makes an audit trail on a file or a store. @internal */
export function createAuditTrail(options: CreateAuditTrailOptions): AuditTrail {
  const { destination, logger, lookup } = options;
  const writer = 'file' in destination ? fileWriter(destination.file) : storeWriter(destination);
  let failures = 0;
  // Appends are written one after another, in the order they were made.
  let tail: Promise<unknown> = Promise.resolve();

  const append = (entry: AuditEntry): Promise<void> => {
    const write = async () => {
      try {
        checkEntry(entry);
        const masked = maskLogValue(lookup, entry, { purpose: 'log', field: 'audit' });
        if (!masked.ok) throw new Error(`the masker threw (${masked.reason})`);
        await writer.write(masked.value);
        logger.info(
          { audit: { ...masked.value }, auditPosition: writer.position() },
          'audit entry recorded',
        );
      } catch (error) {
        failures += 1;
        logger.error(
          {
            audit: { category: String(entry?.category), action: String(entry?.action) },
            failedAppends: failures,
            error: { message: error instanceof Error ? error.message : String(error) },
          },
          'audit entry could not be recorded',
        );
        throw error;
      }
    };
    const result = tail.then(write, write);
    tail = result.catch(() => undefined);
    return result;
  };

  return { append, readAuditTrail: () => writer.read(), failedAppends: () => failures };
}

interface Writer {
  write(entry: AuditEntry): Promise<void>;
  read(): Promise<AuditEntry[]>;
  /** The position of the last entry written (a line number or a key's number). */
  position(): number;
}

function fileWriter(file: string): Writer {
  let created = false;
  let lines: number | undefined;
  return {
    async write(entry) {
      if (!created) {
        await mkdir(dirname(file), { recursive: true });
        created = true;
      }
      lines ??= (await readLines(file)).length;
      await appendFile(file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8', flag: 'a' });
      lines += 1;
    },
    async read() {
      return (await readLines(file)).map((line, index) => parseEntry(line, `${file}:${index + 1}`));
    },
    position: () => lines ?? 0,
  };
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter((line) => line.length > 0);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}

function storeWriter({ store, prefix = 'audit:' }: { store: StateStore; prefix?: string }): Writer {
  let last: number | undefined;
  const keyOf = (sequence: number) => `${prefix}${String(sequence).padStart(sequenceDigits, '0')}`;
  const lastSequence = async () => {
    let after: string | undefined;
    let lastKey: string | undefined;
    do {
      const page = await store.list(prefix, { limit: 1000, ...(after ? { after } : {}) });
      lastKey = page.entries.at(-1)?.key ?? page.unreadable?.at(-1)?.key ?? lastKey;
      after = page.next;
    } while (after !== undefined);
    return lastKey === undefined ? 0 : Number(lastKey.slice(prefix.length));
  };
  return {
    async write(entry) {
      let taken: number = last ?? (await lastSequence());
      for (let conflicts = 0; ; conflicts += 1) {
        const sequence: number = taken + 1;
        try {
          await store.put(
            keyOf(sequence),
            { kind: 'audit-entry', schemaVersion: '1', data: entry },
            { expectedRevision: null },
          );
          last = sequence;
          return;
        } catch (error) {
          if (
            !(AgentryError.isInstance(error) && error.code === 'conflict') ||
            conflicts >= maxConflicts
          )
            throw error;
          taken = sequence;
        }
      }
    },
    async read() {
      const entries: AuditEntry[] = [];
      let after: string | undefined;
      do {
        const page = await store.list(prefix, { limit: 1000, ...(after ? { after } : {}) });
        const broken = page.unreadable?.[0];
        if (broken !== undefined) throw corrupted(broken.key, broken.error.message);
        for (const envelope of page.entries) entries.push(parseEntry(envelope.data, envelope.key));
        after = page.next;
      } while (after !== undefined);
      return entries;
    },
    position: () => last ?? 0,
  };
}

function checkEntry(entry: AuditEntry): void {
  const problems: string[] = [];
  if (typeof entry !== 'object' || entry === null) problems.push('the entry is not an object');
  else {
    if (typeof entry.at !== 'string' || Number.isNaN(Date.parse(entry.at)))
      problems.push(`at must be an ISO 8601 time, not ${JSON.stringify(entry.at)}`);
    if (!categories.has(entry.category))
      problems.push(
        `category must be one of ${[...categories].join(', ')}, not ${JSON.stringify(entry.category)}`,
      );
    if (typeof entry.action !== 'string' || entry.action.length === 0)
      problems.push('action must be a non-empty string');
  }
  if (problems.length === 0) return;
  throw new AgentryError({
    code: 'validation_failed',
    message: `The audit entry is not valid: ${problems.join('; ')}.`,
    details: { problems },
    suggestions: ['Pass an AuditEntry: { at: new Date().toISOString(), category, action, … }.'],
  });
}

function parseEntry(raw: unknown, where: string): AuditEntry {
  let entry: unknown;
  try {
    entry = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    checkEntry(entry as AuditEntry);
  } catch (error) {
    throw corrupted(where, error instanceof Error ? error.message : String(error));
  }
  return entry as AuditEntry;
}

function corrupted(where: string, reason: string): AgentryError {
  return new AgentryError({
    code: 'data_corrupted',
    message: `The audit trail holds a record at ${where} that is not an audit entry: ${reason}`,
    details: { record: where },
    suggestions: [
      'Restore the audit trail from a backup; it is append-only and was changed outside Agentry.',
    ],
  });
}
