import { z } from 'zod';
import { checkSerializable } from '../schemas/json-record.js';
import { storeKeySchema } from './store-key-schema.js';

/**
 * One entry of a {@link StateStore}: a JSON value with the facts a store keeps about it. Every
 * write of a key creates a new envelope with `revision` one higher; `kind` and `schemaVersion`
 * say what the data is and which shape it follows, so a reader can migrate it (see
 * `createMigrator`) before use.
 *
 * @typeParam TData - the type of `data`; stores do not check it, validate it with your own schema
 * @example
 * ```ts
 * import { type StoredEnvelope } from '@agentry/core';
 *
 * const envelope: StoredEnvelope<{ status: string }> = {
 *   key: 'agent:support-bot',
 *   revision: 3,
 *   kind: 'agent',
 *   schemaVersion: '1',
 *   data: { status: 'idle' },
 *   createdAt: '2026-01-01T00:00:00.000Z',
 *   updatedAt: '2026-01-01T00:05:00.000Z',
 * };
 * ```
 */
export interface StoredEnvelope<TData = unknown> {
  /** The key the entry is stored under (see {@link storeKeySchema}). */
  key: string;
  /** 1 after the first write of the key, one more after each later write. */
  revision: number;
  /** What the data is, such as `agent` or `workflow-run`. */
  kind: string;
  /** The version of the data's shape, as the writer declared it. */
  schemaVersion: string;
  /** The stored JSON value, a fresh copy owned by the caller. */
  data: TData;
  /** When the key was first written (since it last did not exist), as an ISO 8601 string. */
  createdAt: string;
  /** When the key was last written, as an ISO 8601 string; never before `createdAt`. */
  updatedAt: string;
}

/**
 * Checks a {@link StoredEnvelope} read from outside (a database row, a file, a message) before a
 * store hands it out: unknown fields, a revision below 1, empty `kind` or `schemaVersion`,
 * timestamps that are not ISO 8601 or in the wrong order, and data that is not JSON are refused.
 *
 * @example
 * ```ts
 * const envelope = storedEnvelopeSchema.parse({
 *   key: row.key,
 *   revision: row.revision,
 *   kind: row.kind,
 *   schemaVersion: row.schema_version,
 *   data: JSON.parse(row.data),
 *   createdAt: row.created_at,
 *   updatedAt: row.updated_at,
 * });
 * ```
 */
export const storedEnvelopeSchema = z
  .strictObject({
    /** The key the entry is stored under. */
    key: storeKeySchema,
    /** 1 after the first write of the key, one more after each later write. */
    revision: z.int().positive(),
    /** What the data is, such as `agent`: 1 to 128 characters. */
    kind: z.string().min(1).max(128),
    /** The version of the data's shape: 1 to 64 characters. */
    schemaVersion: z.string().min(1).max(64),
    /** The stored value; JSON values only. */
    data: z.unknown().check((context) => {
      if (context.value === undefined) {
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: 'Data is required; store null for no value.',
        });
        return;
      }
      checkSerializable(context);
    }),
    /** When the key was first written, ISO 8601. */
    createdAt: z.iso.datetime({ offset: true }),
    /** When the key was last written, ISO 8601; never before `createdAt`. */
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .refine((envelope) => Date.parse(envelope.updatedAt) >= Date.parse(envelope.createdAt), {
    path: ['updatedAt'],
    message: 'updatedAt must not be before createdAt.',
  });
