import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { orderWorkflow, trivialWorkflow } from './__fixtures__/order-workflow.js';
import { createWorkflowRegistry, registerWorkflow } from './workflow-registry.js';
import { workflowsConfigSchema } from './workflows-config.js';

const shipping = { ...trivialWorkflow(), id: 'shipping', name: 'Shipping' };

describe('registerWorkflow', () => {
  it('returns a new registry and resolves subgraphs against it', () => {
    const empty = createWorkflowRegistry();
    expect(() => registerWorkflow(empty, orderWorkflow())).toThrow(
      /"shipping", which is not registered/,
    );
    const registry = registerWorkflow(registerWorkflow(empty, shipping), orderWorkflow());
    expect(Object.keys(registry.workflows)).toEqual(['shipping', 'order-review']);
    expect(empty.workflows).toEqual({});
  });

  it('refuses a taken id unless asked to replace it', () => {
    const registry = registerWorkflow(createWorkflowRegistry(), shipping);
    try {
      registerWorkflow(registry, shipping);
      expect.unreachable();
    } catch (error) {
      expect(AgentryError.isInstance(error) && error.code).toBe('duplicate_id');
    }
    const renamed = registerWorkflow(
      registry,
      { ...shipping, name: 'Shipping v2' },
      { replace: true },
    );
    expect(renamed.workflows.shipping?.name).toBe('Shipping v2');
  });

  it('refuses custom workflows when the registry does not accept them', () => {
    const registry = createWorkflowRegistry({ customWorkflows: false });
    expect(() => registerWorkflow(registry, shipping)).toThrow(
      expect.objectContaining({ code: 'permission_denied' }) as Error,
    );
  });
});

describe('workflowsConfigSchema', () => {
  it('accepts a section and fills the defaults', () => {
    const section = workflowsConfigSchema.parse({
      workflows: { shipping, 'order-review': orderWorkflow() },
    });
    expect(section.defaults).toEqual({
      store: 'memory',
      retryPolicy: { maxAttempts: 3, baseDelay: 1_000, maxDelay: 30_000, jitter: true },
      backoffStrategy: 'exponential',
    });
    expect(section.customWorkflows).toBe(true);
    expect(section.templates).toEqual([]);
  });

  it('reports workflow problems at their path in the configuration', () => {
    const broken = orderWorkflow();
    Object.assign(broken.steps[2]!, { next: 'nowhere' });
    const issues = workflowsConfigSchema.safeParse({
      workflows: { 'order-review': broken, shipping: { ...shipping, id: 'ship' } },
    }).error?.issues;
    expect(issues?.map((issue) => issue.path.join('.'))).toEqual([
      'workflows.order-review.steps.2.next',
      'workflows.shipping.id',
    ]);
    const unknownChild = workflowsConfigSchema.safeParse({
      workflows: { 'order-review': orderWorkflow() },
    }).error?.issues;
    expect(
      unknownChild?.map((issue) => [
        issue.path.join('.'),
        (issue as { params?: { code?: string } }).params?.code,
      ]),
    ).toEqual([['workflows.order-review.steps.7.configuration.workflowId', 'unknown_workflow']]);
  });

  it('refuses unknown keys and bad defaults', () => {
    const result = workflowsConfigSchema.safeParse({ workflow: {}, defaults: { stepTimeout: -1 } });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(
      expect.arrayContaining(['', 'defaults.stepTimeout']),
    );
  });
});
