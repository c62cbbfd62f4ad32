import { AgentryError, formatPath } from '@agentry/core';
import { describeTypeMismatch, substituteParameters } from './template-placeholders.js';
import { assertValidWorkflow, type ValidateWorkflowOptions } from './validate-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import { workflowTemplateSchema, type WorkflowTemplateInput } from './workflow-template.js';

/**
 * Options of {@link instantiateTemplate}.
 *
 * @example
 * ```ts
 * import { instantiateTemplate, type InstantiateTemplateOptions, type WorkflowTemplate } from '@agentry/workflows';
 *
 * declare const orderReviewTemplate: WorkflowTemplate;
 * // The workflow's id, and the handlers its tasks must name.
 * const options: InstantiateTemplateOptions = { id: 'order-review-eu', handlers: ['orders.fetch', 'orders.ship'] };
 * const definition = instantiateTemplate(orderReviewTemplate, { threshold: 250 }, options);
 * ```
 */
export interface InstantiateTemplateOptions extends ValidateWorkflowOptions {
  /** The id of the workflow made; defaults to the template's id. */
  id?: string;
}

/**
 * One parameter problem found by {@link instantiateTemplate}.
 *
 * @example
 * ```ts
 * import { AgentryError } from '@agentry/core';
 * import { instantiateTemplate, type TemplateParameterProblem, type WorkflowTemplate } from '@agentry/workflows';
 *
 * declare const orderReviewTemplate: WorkflowTemplate;
 * try {
 *   instantiateTemplate(orderReviewTemplate, { threshold: 'high' });
 * } catch (error) {
 *   if (error instanceof AgentryError && error.code === 'validation_failed') {
 *     const problems = (error.details.problems ?? []) as TemplateParameterProblem[];
 *     for (const { parameter, message } of problems) console.error(`${parameter}: ${message}`);
 *   }
 * }
 * ```
 */
export interface TemplateParameterProblem {
  /** The parameter. */
  parameter: string;
  /** What is wrong: missing, unknown, wrong type or not an allowed value. */
  message: string;
}

/**
 * Makes a workflow definition from a template and parameter values: every `{ "$param": "name" }`
 * becomes the value, every `{{params.name}}` in a string becomes the value written out, defaults
 * fill values not given, and the result is validated as a workflow.
 *
 * @param template - the template (checked with {@link workflowTemplateSchema} first)
 * @param params - values by parameter name
 * @param options - the workflow id, and what validation checks names against
 * @returns the validated definition
 * @throws AgentryError `validation_failed` when the template is not valid, when parameters are
 *   missing, unknown, of the wrong type or not allowed (all listed in `details.problems`, each
 *   naming its parameter), or when the resulting workflow is not valid
 * @example
 * ```ts
 * const definition = instantiateTemplate(orderReviewTemplate, { threshold: 250 }, { id: 'order-review-eu' });
 * ```
 */
export function instantiateTemplate(
  template: WorkflowTemplateInput,
  params: Readonly<Record<string, unknown>> = {},
  options: InstantiateTemplateOptions = {},
): WorkflowDefinition {
  const parsed = workflowTemplateSchema.safeParse(template);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path.filter((key): key is string | number => typeof key !== 'symbol')),
      message: issue.message,
    }));
    throw new AgentryError({
      code: 'validation_failed',
      message: `The template ${describeId(template)} is not valid: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join(' ')}`,
      details: { templateId: (template as { id?: unknown }).id, problems },
      suggestions: ['Fix the template; every placeholder must name a declared parameter.'],
    });
  }
  const definition = parsed.data;
  const problems: TemplateParameterProblem[] = [];
  const declared = new Set(definition.parameters.map((parameter) => parameter.name));
  for (const name of Object.keys(params)) {
    if (!declared.has(name)) {
      problems.push({
        parameter: name,
        message: `"${name}" is not a parameter of this template (it has: ${[...declared].join(', ') || 'none'}).`,
      });
    }
  }
  const values = new Map<string, unknown>();
  for (const parameter of definition.parameters) {
    const given = Object.hasOwn(params, parameter.name) ? params[parameter.name] : undefined;
    const value = given === undefined ? parameter.default : given;
    if (value === undefined) {
      problems.push({
        parameter: parameter.name,
        message: `"${parameter.name}" is required (type ${parameter.type}) and has no default.`,
      });
      continue;
    }
    const mismatch = describeTypeMismatch(parameter.type, value);
    if (mismatch) {
      problems.push({
        parameter: parameter.name,
        message: `"${parameter.name}" must be of type ${parameter.type}, not ${mismatch}.`,
      });
      continue;
    }
    if (
      parameter.enum &&
      !parameter.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))
    ) {
      problems.push({
        parameter: parameter.name,
        message: `"${parameter.name}" must be one of ${parameter.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}, not ${JSON.stringify(value)}.`,
      });
      continue;
    }
    values.set(parameter.name, value);
  }
  if (problems.length > 0) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The parameters of the template "${definition.id}" are not valid: ${problems.map((problem) => problem.message).join(' ')}`,
      details: { templateId: definition.id, problems },
      suggestions: ['Pass every required parameter with a value of its declared type.'],
    });
  }

  const body: Record<string, unknown> = {
    id: options.id ?? definition.id,
    name: definition.name,
    description: definition.description,
    steps: definition.steps.map((step) => {
      const { configurationTemplate, inputs, outputs, ...rest } = step;
      return {
        ...rest,
        configuration: configurationTemplate,
        inputs: inputs ?? {},
        outputs: outputs ?? {},
      };
    }),
    triggers: definition.triggers,
    parallel: definition.parallel ?? false,
  };
  if (definition.errorHandling !== undefined) body.errorHandling = definition.errorHandling;
  const { id: _id, ...validation } = options;
  return assertValidWorkflow(substituteParameters(body, values), validation);
}

function describeId(template: unknown): string {
  const id = (template as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? `"${id}"` : '(without an id)';
}
