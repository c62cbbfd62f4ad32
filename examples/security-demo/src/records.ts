/**
 * The demo's records: each belongs to one user. The tools read the owner from here, the stored
 * attribute the policy's condition checks, never from what the model wrote.
 */
import { defineTool } from '@agentry/core';
import { z } from 'zod';

/** One user-owned record. */
export interface DemoRecord {
  readonly id: string;
  readonly owner: string;
  readonly body: string;
}

/** The records, and the two tools that read and delete them. */
export function createRecordTools(initial: readonly DemoRecord[]) {
  const records = new Map(initial.map((record) => [record.id, record]));
  const stored = (id: string) => {
    const record = records.get(id);
    // An unknown record has no owner: the policy's ownership condition then fails, so a caller
    // cannot tell a missing record from someone else's.
    return { record, attributes: { owner: record?.owner ?? null } };
  };

  const readRecord = defineTool({
    name: 'read_record',
    description: 'Reads one record by its id.',
    input: z.object({ id: z.string() }),
    access: 'read',
    execute: async ({ id }, context) => {
      const { record, attributes } = stored(id);
      await context.authorize('read', { type: 'records', id, attributes });
      return { id, body: record?.body ?? null };
    },
  });

  const deleteRecord = defineTool({
    name: 'delete_record',
    description: 'Deletes one record by its id. Cannot be undone.',
    input: z.object({ id: z.string() }),
    destructive: true,
    // Long enough for a person to answer the approval request.
    timeout: 60_000,
    execute: async ({ id }, context) => {
      const { attributes } = stored(id);
      await context.authorize('delete', { type: 'records', id, attributes });
      return { id, deleted: records.delete(id) };
    },
  });

  return { records, tools: [readRecord, deleteRecord] };
}
