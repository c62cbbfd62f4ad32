import { AgentryError } from '@agentry/core';
import { z } from 'zod';
import { workflowIdSchema } from './identifiers.js';
import {
  assertValidWorkflow,
  validateWorkflow,
  type ValidateWorkflowOptions,
} from './validate-workflow.js';
import { workflowDefinitionSchema, type WorkflowDefinitionInput } from './workflow-definition.js';
import { workflowTemplateSchema, type WorkflowTemplateInput } from './workflow-template.js';

/** The fields of a {@link WorkflowRegistry}, shared with the configuration section. @internal */
export const workflowRegistryShape = {
  /** Workflow definitions by id; each key equals its definition's id. */
  workflows: z.record(workflowIdSchema, workflowDefinitionSchema).default({}),
  /** Templates; ids are unique. */
  templates: z.array(workflowTemplateSchema).default([]),
  /** Whether workflows may be registered at run time beyond those configured. */
  customWorkflows: z.boolean().default(true),
};

/**
 * Adds an issue for every cross-workflow problem: a key that differs from its definition's id, a
 * repeated template id, and every problem {@link validateWorkflow} finds in each definition with
 * the others as its registry (so subgraphs resolve and recursion between workflows is found).
 *
 * @internal
 */
export function checkWorkflowRegistry(context: {
  value: {
    workflows: Record<string, { id: string; steps: unknown[] }>;
    templates: { id: string }[];
  };
  issues: z.core.$ZodRawIssue[];
}): void {
  const { workflows, templates } = context.value;
  for (const [key, definition] of Object.entries(workflows)) {
    if (definition.id !== key) {
      context.issues.push({
        code: 'custom',
        input: definition.id,
        path: ['workflows', key, 'id'],
        message: `The workflow under "${key}" has the id "${definition.id}"; the key must equal the id.`,
        params: { code: 'invalid_id' },
      });
    }
    for (const problem of validateWorkflow(definition, { registry: { workflows } }).problems) {
      context.issues.push({
        code: 'custom',
        input: definition,
        path: ['workflows', key, ...problem.segments],
        message: problem.message,
        params: { code: problem.code, suggestion: problem.suggestion },
      });
    }
  }
  const seen = new Set<string>();
  templates.forEach((template, index) => {
    if (seen.has(template.id)) {
      context.issues.push({
        code: 'custom',
        input: template.id,
        path: ['templates', index, 'id'],
        message: `The template id "${template.id}" is used twice.`,
        params: { code: 'duplicate_id' },
      });
    }
    seen.add(template.id);
  });
}

/**
 * The specification's `WorkflowRegistry`: workflow definitions by id, templates, and whether custom
 * workflows may be registered at run time. Checked as a whole: keys equal ids, template ids are
 * unique, and every definition passes {@link validateWorkflow} with the others as its registry.
 *
 * @example
 * ```ts
 * workflowRegistrySchema.parse({ workflows: { greet: greetDefinition }, templates: [], customWorkflows: false });
 * ```
 */
export const workflowRegistrySchema = z
  .strictObject(workflowRegistryShape)
  .check(checkWorkflowRegistry);

/**
 * Workflows by id and templates; see {@link workflowRegistrySchema}.
 *
 * @example
 * ```ts
 * import { createWorkflowRegistry, registerWorkflow, workflow, type WorkflowRegistry } from '@agentry/workflows';
 *
 * let registry: WorkflowRegistry = createWorkflowRegistry();
 * registry = registerWorkflow(registry, workflow('greet').trigger({ type: 'manual' }).task('hello', { handler: 'greet' }).build());
 * console.log(Object.keys(registry.workflows), registry.customWorkflows); // ['greet'] true
 * ```
 */
export type WorkflowRegistry = z.infer<typeof workflowRegistrySchema>;

/**
 * A workflow registry as it may be written, before defaults are filled in.
 *
 * @example
 * ```ts
 * import { createWorkflowRegistry, type WorkflowRegistryInput } from '@agentry/workflows';
 *
 * // Defaults may be left out: no templates, custom workflows allowed.
 * const input: WorkflowRegistryInput = { customWorkflows: false };
 * const registry = createWorkflowRegistry(input);
 * ```
 */
export type WorkflowRegistryInput = z.input<typeof workflowRegistrySchema>;

/**
 * Options of {@link registerWorkflow}.
 *
 * @example
 * ```ts
 * import { registerWorkflow, workflow, type RegisterWorkflowOptions, type WorkflowRegistry } from '@agentry/workflows';
 *
 * declare let registry: WorkflowRegistry;
 * // Replace the registered version of "greet", checking its handler against the runner's.
 * const options: RegisterWorkflowOptions = { replace: true, handlers: ['greet'] };
 * registry = registerWorkflow(registry, workflow('greet').trigger({ type: 'manual' }).task('hello', { handler: 'greet' }).build(), options);
 * ```
 */
export interface RegisterWorkflowOptions extends Omit<ValidateWorkflowOptions, 'registry'> {
  /** Replace a workflow with the same id instead of refusing it. */
  replace?: boolean;
}

/**
 * Returns a new registry with the definition added; the registry given is not changed. The
 * definition is validated with the registry's workflows, so its subgraphs must be registered.
 *
 * @throws AgentryError `permission_denied` when the registry's `customWorkflows` is false;
 *   `duplicate_id` when the id is taken and `replace` is not set; `validation_failed` listing
 *   every problem when the definition is not valid
 * @example
 * ```ts
 * let registry = createWorkflowRegistry();
 * registry = registerWorkflow(registry, shippingDefinition);
 * registry = registerWorkflow(registry, orderDefinition); // may run "shipping" as a subgraph
 * ```
 */
export function registerWorkflow(
  registry: WorkflowRegistry,
  definition: WorkflowDefinitionInput,
  options: RegisterWorkflowOptions = {},
): WorkflowRegistry {
  const { replace = false, ...validation } = options;
  if (!registry.customWorkflows) {
    throw new AgentryError({
      code: 'permission_denied',
      message: `The workflow registry does not accept custom workflows (customWorkflows is false), so "${String(definition.id)}" cannot be registered.`,
      details: { workflowId: definition.id },
      suggestions: [
        "Add the workflow to the configuration's workflows section, or set customWorkflows to true.",
      ],
    });
  }
  if (Object.hasOwn(registry.workflows, definition.id) && !replace) {
    throw new AgentryError({
      code: 'duplicate_id',
      message: `A workflow with the id "${definition.id}" is already registered.`,
      details: { workflowId: definition.id },
      suggestions: [
        'Choose another id, or pass { replace: true } to replace the registered workflow.',
      ],
    });
  }
  const parsed = assertValidWorkflow(definition, { ...validation, registry });
  return { ...registry, workflows: { ...registry.workflows, [parsed.id]: parsed } };
}

/**
 * Returns a new registry with the template added; the registry given is not changed.
 *
 * @throws AgentryError `duplicate_id` when a template with the id is registered;
 *   `validation_failed` when the template is not valid
 * @example
 * ```ts
 * const registry = registerTemplate(createWorkflowRegistry(), orderReviewTemplate);
 * instantiateTemplate(findTemplate(registry, 'order-review'), { threshold: 250 });
 * ```
 */
export function registerTemplate(
  registry: WorkflowRegistry,
  template: WorkflowTemplateInput,
): WorkflowRegistry {
  if (registry.templates.some((existing) => existing.id === template.id)) {
    throw new AgentryError({
      code: 'duplicate_id',
      message: `A template with the id "${template.id}" is already registered.`,
      details: { templateId: template.id },
      suggestions: ['Choose another template id.'],
    });
  }
  const parsed = workflowTemplateSchema.safeParse(template);
  if (!parsed.success) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `The template "${String(template.id)}" is not valid: ${parsed.error.issues.map((issue) => issue.message).join(' ')}`,
      details: {
        templateId: template.id,
        issues: parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      },
      suggestions: ['Fix the template; every placeholder must name a declared parameter.'],
    });
  }
  return { ...registry, templates: [...registry.templates, parsed.data] };
}

/**
 * Finds a registered template by id.
 *
 * @throws AgentryError `not_found` naming the registered ids when there is none
 * @example
 * ```ts
 * const template = findTemplate(registry, 'order-review');
 * ```
 */
export function findTemplate(registry: WorkflowRegistry, id: string) {
  const template = registry.templates.find((candidate) => candidate.id === id);
  if (template) return template;
  throw new AgentryError({
    code: 'not_found',
    message: `No template "${id}" is registered (registered: ${registry.templates.map((candidate) => candidate.id).join(', ') || 'none'}).`,
    details: { templateId: id },
    suggestions: ['Register the template with registerTemplate first, or fix the id.'],
  });
}

/**
 * Makes a {@link WorkflowRegistry}, empty or from data (such as the configuration's `workflows`
 * section), checked as a whole.
 *
 * @throws AgentryError `validation_failed` listing every issue when the data is not valid
 * @example
 * ```ts
 * const registry = createWorkflowRegistry({ workflows: { greet: greetDefinition } });
 * ```
 */
export function createWorkflowRegistry(input: WorkflowRegistryInput = {}): WorkflowRegistry {
  const parsed = workflowRegistrySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  throw new AgentryError({
    code: 'validation_failed',
    message: `The workflow registry is not valid: ${issues
      .slice(0, 3)
      .map((issue) => issue.message)
      .join(' ')}${issues.length > 3 ? ` … and ${issues.length - 3} more.` : ''}`,
    details: { issues },
    suggestions: ['Fix the workflows listed in details.issues.'],
  });
}
