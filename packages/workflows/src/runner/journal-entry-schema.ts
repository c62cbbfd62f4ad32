import { parseStored } from './parse-stored.js';
import { z } from 'zod';
import type { JournalEntry } from './journal-entry.js';
import {
  decisionSchema,
  errorJsonSchema,
  runOriginSchema,
  runParentSchema,
  runPrincipalSchema,
} from './run-record-schema.js';

const seq = z.int().nonnegative();
const stepId = z.string().min(1);
const attempt = z.int().positive();

/**
 * A journal entry as read back from the store, one shape per `type` (see {@link JournalEntry}).
 * Keys it does not name are dropped.
 *
 * @internal
 */
export const journalEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run-start'),
    seq,
    at: z.number(),
    workflowId: z.string().min(1),
    definitionHash: z.string(),
    input: z.unknown(),
    origin: runOriginSchema.optional(),
    parent: runParentSchema.optional(),
    userId: z.string().min(1).optional(),
    principal: runPrincipalSchema.optional(),
    traceContext: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('step-start'), seq, at: z.number(), stepId, stepType: z.string() }),
  z.object({
    type: z.literal('step-attempt'),
    seq,
    at: z.number(),
    stepId,
    attempt,
    idempotencyKey: z.string(),
    repeated: z.boolean().optional(),
    childRunId: z.string().optional(),
  }),
  z.object({
    type: z.literal('step-end'),
    seq,
    at: z.number(),
    stepId,
    output: z.unknown(),
    skipped: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('step-error'),
    seq,
    at: z.number(),
    stepId,
    attempt,
    error: errorJsonSchema,
    final: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('step-retry'),
    seq,
    at: z.number(),
    stepId,
    attempt,
    dueAt: z.number(),
    newRound: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('run-suspend'),
    seq,
    at: z.number(),
    stepId,
    error: errorJsonSchema,
    deadlineAt: z.number().optional(),
    onDeadline: decisionSchema.optional(),
    childRunId: z.string().optional(),
  }),
  z.object({
    type: z.literal('run-resume'),
    seq,
    at: z.number(),
    stepId,
    decision: z.union([decisionSchema, z.literal('child-settled')]),
    data: z.unknown().optional(),
    actor: z.string().optional(),
  }),
  z.object({
    type: z.literal('run-migrate'),
    seq,
    at: z.number(),
    from: z.string(),
    to: z.string(),
    input: z.unknown(),
    outputs: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('run-end'), seq, at: z.number(), output: z.unknown() }),
  z.object({
    type: z.literal('run-error'),
    seq,
    at: z.number(),
    error: errorJsonSchema,
    cancelled: z.boolean().optional(),
  }),
]);

// Version 3 records carry the fencing token of the lease they were written under; a record that
// seals a `seq` no write landed on has no entries and no token.
const journalRecordSchema = z.object({
  entries: z.array(journalEntrySchema),
  lease: z.number().int().nonnegative().optional(),
});

/**
 * Parses the data of a stored journal record: `{ entries, lease }` (version 3), `{ entries }`
 * (version 2) or one entry (version 1), into its entries and the fencing token it was written
 * under (0 before version 3).
 *
 * @internal
 * @throws AgentryError `validation_failed` naming the key and the first problem when the data is
 *   not journal entries (changed outside the runner): the run cannot be recovered from it
 */
export function parseJournalRecord(
  key: string,
  data: unknown,
  version: '1' | '2' | '3',
): { entries: JournalEntry[]; token: number } {
  const parsed = parseStored(
    version === '1' ? journalEntrySchema : journalRecordSchema,
    key,
    data,
    journalRecordDescription,
  );
  if (!('entries' in parsed)) return { entries: [parsed], token: 0 };
  return { entries: parsed.entries, token: version === '3' ? (parsed.lease ?? 0) : 0 };
}

const journalRecordDescription = {
  expected: 'valid journal entries',
  consequence: 'It was changed outside the runner, so the run cannot go on from its journal.',
  suggestions: ['Restore the entry from a backup, or cancel the run.'],
};
