import { jsonRecordSchema } from '@agentry/core';
import { CronPattern } from 'croner';
import { z } from 'zod';
import { conditionSchema } from './condition.js';

/**
 * Tells whether a cron expression is valid for `croner` (five fields, six with seconds, or a
 * nickname such as `@daily`), and if not, why.
 *
 * @returns `undefined` when valid, else croner's reason
 * @example
 * ```ts
 * checkCronExpression('0 9 * * 1-5'); // undefined
 * checkCronExpression('61 * * * *'); // 'CronPattern: Invalid value for minute: 61'
 * ```
 */
export function checkCronExpression(expression: string): string | undefined {
  try {
    new CronPattern(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Tells whether a string is an IANA time zone name this runtime knows (`Europe/Berlin`, `UTC`).
 * UTC offsets such as `+01:00` are refused: they ignore daylight saving time.
 *
 * @example
 * ```ts
 * isTimeZone('America/New_York'); // true
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A trigger a person or program fires by calling the runner. `inputSchema`, a JSON Schema, says
 * what input the run expects.
 *
 * @example
 * ```ts
 * manualTriggerSchema.parse({ type: 'manual', configuration: { inputSchema: { type: 'object' } } });
 * ```
 */
export const manualTriggerSchema = z.strictObject({
  /** Fired by hand. */
  type: z.literal('manual'),
  /** An optional JSON Schema of the run's input. */
  configuration: z
    .strictObject({
      /** A JSON Schema of the input. */
      inputSchema: jsonRecordSchema.optional(),
    })
    .default({}),
});

/**
 * A trigger that fires on a cron schedule in an IANA time zone. The expression is checked with
 * `croner`; `input` is the run's input.
 *
 * @example
 * ```ts
 * scheduleTriggerSchema.parse({ type: 'schedule', configuration: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' } });
 * ```
 */
export const scheduleTriggerSchema = z.strictObject({
  /** Fired by the clock. */
  type: z.literal('schedule'),
  /** When, in which time zone, with which input. */
  configuration: z.strictObject({
    /** A cron expression: five fields, six with seconds, or a nickname such as `@daily`. */
    cron: z.string().check((context) => {
      const reason = checkCronExpression(context.value);
      if (reason) {
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: `"${context.value}" is not a valid cron expression: ${reason}.`,
          params: { code: 'invalid_cron' },
        });
      }
    }),
    /** An IANA time zone name such as `Europe/Berlin` or `UTC`. */
    timezone: z.string().check((context) => {
      if (!isTimeZone(context.value)) {
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: `"${context.value}" is not an IANA time zone; use a name such as "UTC" or "Europe/Berlin".`,
          params: { code: 'invalid_time_zone' },
        });
      }
    }),
    /** The input of each scheduled run. */
    input: jsonRecordSchema.optional(),
  }),
});

/**
 * A trigger that fires when an event arrives from `source` (and, if given, of `eventType`). The
 * event becomes the run's input, so `filter` reads it with `input.…` references.
 *
 * @example
 * ```ts
 * eventTriggerSchema.parse({
 *   type: 'event',
 *   configuration: { source: 'orders', eventType: 'order-created', filter: { op: 'gt', left: { $ref: 'input.total' }, right: 0 } },
 * });
 * ```
 */
export const eventTriggerSchema = z.strictObject({
  /** Fired by an event. */
  type: z.literal('event'),
  /** Where events come from and which start a run. */
  configuration: z.strictObject({
    /** The event source, such as a channel or topic name. */
    source: z.string().min(1, { error: 'An event trigger needs a source.' }),
    /** Only events of this type. */
    eventType: z.string().min(1).optional(),
    /** Only events for which this condition holds; it reads the event as `input`. */
    filter: conditionSchema.optional(),
  }),
});

/**
 * A trigger that fires on an HTTP request to `path`, signed with HMAC. The secret is never written
 * in the definition: `secretName` names it, and the runner asks its secret resolver for it. A
 * body larger than `maxBodyBytes` (default 1 MiB) is refused.
 *
 * @example
 * ```ts
 * webhookTriggerSchema.parse({ type: 'webhook', configuration: { path: '/hooks/orders', secretName: 'orders-webhook' } });
 * ```
 */
export const webhookTriggerSchema = z.strictObject({
  /** Fired by an HTTP request. */
  type: z.literal('webhook'),
  /** Where requests arrive and how they are checked. */
  configuration: z.strictObject({
    /** The URL path, such as `/hooks/orders`. */
    path: z.string().regex(/^\/[A-Za-z0-9._~/-]*$/, {
      error: 'A webhook path starts with "/" and holds only letters, digits and . _ ~ / -.',
    }),
    /** The name of the signing secret, resolved at run time; never the secret itself. */
    secretName: z.string().regex(/^[A-Za-z_][\w./-]{0,127}$/, {
      error:
        'secretName is the name of a secret (letters, digits, _ . / -), resolved at run time; not the secret and not a ${…} reference.',
    }),
    /** The largest accepted body, in bytes. */
    maxBodyBytes: z
      .int({ error: 'maxBodyBytes must be a positive integer number of bytes.' })
      .positive({ error: 'maxBodyBytes must be a positive integer number of bytes.' })
      .default(1_048_576),
    /** Refused: a secret must not be written inline. */
    secret: z
      .custom<never>(() => false, {
        error:
          'A webhook secret must not be written in the definition; store it with your secret resolver and set secretName.',
        params: { code: 'inline_secret' },
      })
      .optional(),
  }),
});

/**
 * What starts a run: `manual`, `schedule` (cron), `event` or `webhook`, each with its own
 * configuration.
 *
 * @example
 * ```ts
 * workflowTriggerSchema.parse({ type: 'schedule', configuration: { cron: '@hourly', timezone: 'UTC' } });
 * ```
 */
export const workflowTriggerSchema = z.discriminatedUnion(
  'type',
  [manualTriggerSchema, scheduleTriggerSchema, eventTriggerSchema, webhookTriggerSchema],
  { error: 'A trigger type must be "manual", "schedule", "event" or "webhook".' },
);

/**
 * What starts a run; see {@link workflowTriggerSchema}.
 *
 * @example
 * ```ts
 * import type { WorkflowTrigger } from '@agentry/workflows';
 *
 * // One workflow, three ways in.
 * const triggers: WorkflowTrigger[] = [
 *   { type: 'manual', configuration: {} },
 *   { type: 'schedule', configuration: { cron: '0 6 * * 1-5', timezone: 'Europe/Lisbon' } },
 *   { type: 'webhook', configuration: { path: '/orders', secretName: 'orders-webhook', maxBodyBytes: 65_536 } },
 * ];
 * ```
 */
export type WorkflowTrigger = z.infer<typeof workflowTriggerSchema>;

/**
 * A manual trigger; see {@link manualTriggerSchema}.
 *
 * @example
 * ```ts
 * import type { ManualTrigger } from '@agentry/workflows';
 *
 * // Started by a person or by code; the input must match the JSON schema.
 * const manual: ManualTrigger = {
 *   type: 'manual',
 *   configuration: { inputSchema: { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } } },
 * };
 * ```
 */
export type ManualTrigger = z.infer<typeof manualTriggerSchema>;
/**
 * A schedule trigger; see {@link scheduleTriggerSchema}.
 *
 * @example
 * ```ts
 * import type { ScheduleTrigger } from '@agentry/workflows';
 *
 * // Every weekday at 06:00 in Lisbon, with a fixed input.
 * const nightly: ScheduleTrigger = {
 *   type: 'schedule',
 *   configuration: { cron: '0 6 * * 1-5', timezone: 'Europe/Lisbon', input: { report: 'daily' } },
 * };
 * ```
 */
export type ScheduleTrigger = z.infer<typeof scheduleTriggerSchema>;
/**
 * An event trigger; see {@link eventTriggerSchema}.
 *
 * @example
 * ```ts
 * import type { EventTrigger } from '@agentry/workflows';
 *
 * // Runs for each "order.created" event of the "shop" source whose total is over 100.
 * const onLargeOrder: EventTrigger = {
 *   type: 'event',
 *   configuration: {
 *     source: 'shop',
 *     eventType: 'order.created',
 *     filter: { op: 'gt', left: { $ref: 'input.total' }, right: 100 },
 *   },
 * };
 * ```
 */
export type EventTrigger = z.infer<typeof eventTriggerSchema>;
/**
 * A webhook trigger; see {@link webhookTriggerSchema}.
 *
 * @example
 * ```ts
 * import type { WebhookTrigger } from '@agentry/workflows';
 *
 * // POST /hooks/github, signed with the secret your resolver returns for "github-webhook".
 * const github: WebhookTrigger = {
 *   type: 'webhook',
 *   configuration: { path: '/hooks/github', secretName: 'github-webhook', maxBodyBytes: 1_048_576 },
 * };
 * ```
 */
export type WebhookTrigger = z.infer<typeof webhookTriggerSchema>;
