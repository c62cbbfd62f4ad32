import { jsonRecordSchema } from '@agentry/core';
import { z } from 'zod';
import { workflowIdSchema } from './identifiers.js';
import { jsonValueSchema } from './json-value.js';
import { findTemplateProblems } from './template-placeholders.js';

/**
 * A parameter of a {@link WorkflowTemplate}: its name, JSON type, and an optional default (a
 * parameter without one is required) and list of allowed values.
 *
 * @example
 * ```ts
 * templateParameterSchema.parse({ name: 'threshold', type: 'number', default: 100, description: 'Orders above need review.' });
 * ```
 */
export const templateParameterSchema = z.strictObject({
  /** Used as `{ "$param": "name" }` or `{{params.name}}` in the template. */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: 'A parameter name is letters, digits and "_", starting with a letter or "_".',
  }),
  /** The JSON type a value must have. */
  type: z.literal(['string', 'number', 'integer', 'boolean', 'object', 'array'], {
    error: 'A parameter type is string, number, integer, boolean, object or array.',
  }),
  /** What the parameter is for. */
  description: z.string().optional(),
  /** The value used when none is given; without it the parameter is required. */
  default: jsonValueSchema.optional(),
  /** The only values allowed. */
  enum: z.array(jsonValueSchema).min(1).optional(),
});

/**
 * A parameter of a workflow template; see {@link templateParameterSchema}.
 *
 * @example
 * ```ts
 * import type { TemplateParameter } from '@agentry/workflows';
 *
 * // Orders above the threshold go to review; one of three regions.
 * const parameters: TemplateParameter[] = [
 *   { name: 'threshold', type: 'number', default: 100, description: 'Orders above need review.' },
 *   { name: 'region', type: 'string', enum: ['eu', 'us', 'apac'] },
 * ];
 * ```
 */
export type TemplateParameter = z.infer<typeof templateParameterSchema>;

/**
 * A step of a {@link WorkflowTemplate}, per the specification's `WorkflowStepTemplate` (`type`,
 * `name`, `description`, `configurationTemplate`) plus the step's `id`, `inputs`, `outputs`,
 * `next`, `timeout` and `retryPolicy`. Any value may be a `{ "$param": "name" }` placeholder and
 * any string may hold `{{params.name}}`; the instantiated step is checked as a workflow step.
 *
 * @example
 * ```ts
 * workflowStepTemplateSchema.parse({
 *   id: 'check', type: 'decision', name: 'Check', description: 'Routes big orders.',
 *   configurationTemplate: {
 *     branches: [{ condition: { op: 'gt', left: { $ref: 'input.total' }, right: { $param: 'threshold' } }, next: 'review' }],
 *     default: '$end',
 *   },
 * });
 * ```
 */
export const workflowStepTemplateSchema = z.strictObject({
  /** The step id (may hold `{{params.name}}`). */
  id: z.string().min(1),
  /** The step type. */
  type: z.literal(['task', 'decision', 'parallel', 'subgraph'], {
    error: 'A step type must be "task", "decision", "parallel" or "subgraph".',
  }),
  /** A name people read. */
  name: z.string().min(1),
  /** What the step is for. */
  description: z.string(),
  /** The step's `configuration`, with placeholders. */
  configurationTemplate: jsonRecordSchema,
  /** The step's `inputs`, with placeholders. */
  inputs: jsonRecordSchema.optional(),
  /** The step's `outputs`, with placeholders. */
  outputs: jsonRecordSchema.optional(),
  /** The step's `next`, or a placeholder. */
  next: jsonValueSchema.optional(),
  /** The step's `timeout`, or a placeholder. */
  timeout: jsonValueSchema.optional(),
  /** The step's `retryPolicy`, or a placeholder. */
  retryPolicy: jsonValueSchema.optional(),
});

/**
 * A step of a workflow template; see {@link workflowStepTemplateSchema}.
 *
 * @example
 * ```ts
 * import type { WorkflowStepTemplate } from '@agentry/workflows';
 *
 * // A decision whose threshold is a parameter of the template.
 * const check: WorkflowStepTemplate = {
 *   id: 'check',
 *   type: 'decision',
 *   name: 'Check the total',
 *   description: 'Routes large orders to review.',
 *   configurationTemplate: {
 *     branches: [{ condition: { op: 'gt', left: { $ref: 'input.total' }, right: { $param: 'threshold' } }, next: 'review' }],
 *     default: '$end',
 *   },
 * };
 * ```
 */
export type WorkflowStepTemplate = z.infer<typeof workflowStepTemplateSchema>;

/**
 * A parameterised workflow, per the specification's `WorkflowTemplate` (`name`, `description`,
 * `category`, `steps`) plus an `id`, typed `parameters`, and the workflow's `triggers`,
 * `errorHandling` and `parallel`. It stays plain JSON: placeholders are data,
 * `{ "$param": "name" }` for a whole value of the parameter's type and `{{params.name}}` inside a
 * string. Agent prompts keep their own `{{input}}` placeholders, which never start with
 * `params.`. {@link instantiateTemplate} turns a template and values into a validated definition.
 *
 * The schema also checks that parameter names are unique, that every placeholder names a
 * parameter, that defaults and allowed values have the parameter's type, and that only string,
 * number, integer and boolean parameters are used inside strings.
 *
 * @example
 * ```ts
 * workflowTemplateSchema.parse({
 *   id: 'nightly-report', name: 'Nightly report', description: 'Builds a report every night.', category: 'reporting',
 *   parameters: [{ name: 'timezone', type: 'string', default: 'UTC' }],
 *   triggers: [{ type: 'schedule', configuration: { cron: '0 2 * * *', timezone: { $param: 'timezone' } } }],
 *   steps: [{ id: 'build', type: 'task', name: 'Build', description: 'Builds it.', configurationTemplate: { handler: 'reports.build' } }],
 * });
 * ```
 */
export const workflowTemplateSchema = z
  .strictObject({
    /** Unique among templates; the default id of instantiated workflows. */
    id: workflowIdSchema,
    /** A name people read (may hold `{{params.name}}`). */
    name: z.string().min(1),
    /** What workflows made from it do. */
    description: z.string(),
    /** A group for catalogues, such as `support` or `reporting`. */
    category: z.string().min(1),
    /** The parameters. */
    parameters: z.array(templateParameterSchema).default([]),
    /** The steps, in order. */
    steps: z
      .array(workflowStepTemplateSchema)
      .min(1, { error: 'A template needs at least one step.' }),
    /** The workflow's triggers, with placeholders. */
    triggers: z.array(jsonValueSchema).default([]),
    /** The workflow's error handling, with placeholders. */
    errorHandling: jsonValueSchema.optional(),
    /** The workflow's `parallel`, or a placeholder. */
    parallel: jsonValueSchema.optional(),
  })
  .check((context) => {
    for (const problem of findTemplateProblems(context.value)) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        path: problem.path,
        message: problem.message,
        params: { code: 'invalid_template' },
      });
    }
  });

/**
 * A parameterised workflow; see {@link workflowTemplateSchema}.
 *
 * @example
 * ```ts
 * import { createWorkflowRegistry, findTemplate, instantiateTemplate, registerTemplate, type WorkflowTemplate } from '@agentry/workflows';
 *
 * declare const nightlyReport: WorkflowTemplate;
 * const registry = registerTemplate(createWorkflowRegistry(), nightlyReport);
 * const template: WorkflowTemplate = findTemplate(registry, 'nightly-report');
 * console.log(template.parameters.map((parameter) => parameter.name));
 * const definition = instantiateTemplate(template, { timezone: 'Europe/Lisbon' });
 * ```
 */
export type WorkflowTemplate = z.infer<typeof workflowTemplateSchema>;

/**
 * A workflow template as it may be written, before defaults are filled in.
 *
 * @example
 * ```ts
 * import { instantiateTemplate, type WorkflowTemplateInput } from '@agentry/workflows';
 *
 * // A template as written: parameters and triggers may be left out.
 * const nightlyReport: WorkflowTemplateInput = {
 *   id: 'nightly-report',
 *   name: 'Nightly report',
 *   description: 'Builds a report every night.',
 *   category: 'reporting',
 *   parameters: [{ name: 'timezone', type: 'string', default: 'UTC' }],
 *   triggers: [{ type: 'schedule', configuration: { cron: '0 2 * * *', timezone: { $param: 'timezone' } } }],
 *   steps: [{ id: 'build', type: 'task', name: 'Build', description: 'Builds it.', configurationTemplate: { handler: 'reports.build' } }],
 * };
 * const definition = instantiateTemplate(nightlyReport, { timezone: 'Europe/Lisbon' });
 * ```
 */
export type WorkflowTemplateInput = z.input<typeof workflowTemplateSchema>;
