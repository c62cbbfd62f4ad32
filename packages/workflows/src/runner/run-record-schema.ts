import { isErrorCode } from '@agentry/core';
import { z } from 'zod';
import { parseStored } from './parse-stored.js';
import type { RunRecord } from './runner-types.js';

/** A serialised `AgentryError`, as journal entries and run records hold it. @internal */
export const errorJsonSchema = z.object({
  code: z.string().refine(isErrorCode, { error: 'an unknown error code' }),
  message: z.string(),
  recoverable: z.boolean(),
  details: z.record(z.string(), z.unknown()),
  suggestions: z.array(z.string()),
});

/** A person's decision. @internal */
export const decisionSchema = z.enum(['retry', 'skip', 'abort']);

/** What started a run. @internal */
export const runOriginSchema = z.object({
  type: z.enum(['manual', 'schedule', 'event', 'webhook']),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** A child run's parent run and step. @internal */
export const runParentSchema = z.object({
  runId: z.string().min(1),
  stepId: z.string().min(1),
});

/** The principal a run acts for. @internal */
export const runPrincipalSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['user', 'service', 'agent']).optional(),
  roles: z.array(z.string()).optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A run record as read back from the store. Keys it does not name are dropped. A field added to
 * {@link RunRecord} must be added here, or it is dropped on read.
 *
 * @internal
 */
export const runRecordSchema = z.object({
  runId: z.string().min(1),
  workflowId: z.string().min(1),
  definitionHash: z.string(),
  input: z.unknown(),
  status: z.enum(['running', 'waiting-for-person', 'completed', 'failed', 'cancelled']),
  origin: runOriginSchema.optional(),
  idempotencyKey: z.string().optional(),
  parent: runParentSchema.optional(),
  userId: z.string().min(1).optional(),
  principal: runPrincipalSchema.optional(),
  traceContext: z.record(z.string(), z.string()).optional(),
  output: z.unknown().optional(),
  error: errorJsonSchema.optional(),
  waiting: z
    .array(
      z.object({
        stepId: z.string().min(1),
        deadlineAt: z.number().optional(),
        onDeadline: decisionSchema.optional(),
        childRunId: z.string().optional(),
        error: errorJsonSchema,
      }),
    )
    .optional(),
  startedAt: z.number(),
  updatedAt: z.number(),
});

// Fails to compile when RunRecord gains a field the schema does not name (it would be dropped).
type UnparsedKeys = Exclude<keyof RunRecord, keyof z.output<typeof runRecordSchema>>;
const everyKeyParsed: [UnparsedKeys] extends [never] ? true : UnparsedKeys = true;
void everyKeyParsed;

/**
 * Parses the data of a stored run record.
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the key and the first problem when the data is
 *   not a run record (changed outside the runner, or by a newer version of it)
 */
export function parseRunRecord(key: string, data: unknown): RunRecord {
  return parseStored(runRecordSchema, key, data, {
    expected: 'a valid run record',
    consequence: 'It was changed outside the runner.',
    suggestions: [
      'recover() rebuilds the record from the run’s journal; otherwise restore the entry from a backup.',
    ],
  });
}
