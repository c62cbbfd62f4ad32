import { z } from 'zod';

/**
 * The pattern a step id matches: a letter or underscore, then letters, digits, `_` or `-`, at
 * most 64 characters. Ids never hold a dot, so a reference such as `steps.fetch.output.total` is
 * unambiguous, and never start with `$`, which marks reserved words such as {@link END}.
 */
export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

/**
 * The pattern a workflow id matches: a letter, then letters, digits, `_`, `-`, `.` or `:`, at
 * most 128 characters (`billing.refund`, `support:triage-v2`).
 */
export const WORKFLOW_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

/**
 * The target that ends the run: a step whose `next` (or a decision branch whose `next`) is
 * `"$end"` finishes the workflow successfully after it.
 *
 * @example
 * ```ts
 * const step = { id: 'notify', type: 'task', next: END }; // next: '$end'
 * ```
 */
export const END = '$end';

/**
 * A step id; see {@link STEP_ID_PATTERN}.
 *
 * @example
 * ```ts
 * stepIdSchema.parse('fetch-order');
 * ```
 */
export const stepIdSchema = z
  .string({ error: 'A step id must be a string.' })
  .regex(STEP_ID_PATTERN, {
    error:
      'A step id must start with a letter or "_" and hold only letters, digits, "_" or "-" (at most 64 characters).',
  });

/**
 * A workflow id; see {@link WORKFLOW_ID_PATTERN}.
 *
 * @example
 * ```ts
 * workflowIdSchema.parse('billing.refund');
 * ```
 */
export const workflowIdSchema = z
  .string({ error: 'A workflow id must be a string.' })
  .regex(WORKFLOW_ID_PATTERN, {
    error:
      'A workflow id must start with a letter and hold only letters, digits, "_", "-", "." or ":" (at most 128 characters).',
  });

/**
 * Where control goes after a step: another step's id or {@link END}.
 *
 * @example
 * ```ts
 * stepTargetSchema.parse('$end');
 * ```
 */
export const stepTargetSchema = z.union([z.literal(END), stepIdSchema], {
  error: 'A step target must be a step id or "$end".',
});

/**
 * Where control goes after a step: another step's id or `"$end"`.
 *
 * @example
 * ```ts
 * import { type StepTarget } from '@agentry/workflows';
 *
 * const target: StepTarget = 'review';
 * ```
 */
export type StepTarget = z.infer<typeof stepTargetSchema>;
