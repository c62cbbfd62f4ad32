import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { instantiateTemplate } from './instantiate-template.js';
import {
  createWorkflowRegistry,
  findTemplate,
  registerTemplate,
  registerWorkflow,
} from './workflow-registry.js';
import { workflowTemplateSchema, type WorkflowTemplateInput } from './workflow-template.js';

function reviewTemplate(): WorkflowTemplateInput {
  return {
    id: 'order-review',
    name: 'Order review ({{params.region}})',
    description: 'Sends orders above a threshold to review.',
    category: 'commerce',
    parameters: [
      { name: 'region', type: 'string', enum: ['eu', 'us'] },
      { name: 'threshold', type: 'number', default: 100 },
      { name: 'cron', type: 'string', default: '0 9 * * 1-5' },
      { name: 'retries', type: 'integer', default: 2 },
    ],
    triggers: [{ type: 'schedule', configuration: { cron: { $param: 'cron' }, timezone: 'UTC' } }],
    errorHandling: { retryAttempts: { $param: 'retries' }, backoffStrategy: 'exponential' },
    steps: [
      {
        id: 'fetch',
        type: 'task',
        name: 'Fetch',
        description: 'Fetches the order.',
        configurationTemplate: { handler: 'orders.fetch.{{params.region}}' },
        inputs: { orderId: { $ref: 'input.orderId' } },
      },
      {
        id: 'route',
        type: 'decision',
        name: 'Route',
        description: 'Big orders go to review.',
        configurationTemplate: {
          branches: [
            {
              condition: {
                op: 'gt',
                left: { $ref: 'steps.fetch.output.total' },
                right: { $param: 'threshold' },
              },
              next: 'review',
            },
          ],
          default: '$end',
        },
      },
      {
        id: 'review',
        type: 'task',
        name: 'Review',
        description: 'An agent reviews the order.',
        configurationTemplate: {
          agent: { prompt: 'Review this {{params.region}} order: {{order}}' },
        },
        inputs: { order: { $ref: 'steps.fetch.output' } },
      },
    ],
  };
}

function thrown(run: () => unknown): AgentryError {
  try {
    run();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an AgentryError');
}

describe('instantiateTemplate', () => {
  it('fills placeholders with typed values and defaults, and validates the result', () => {
    const definition = instantiateTemplate(
      reviewTemplate(),
      { region: 'eu', threshold: 250 },
      { id: 'order-review-eu' },
    );
    expect(definition.id).toBe('order-review-eu');
    expect(definition.name).toBe('Order review (eu)');
    expect(definition.errorHandling).toEqual({ retryAttempts: 2, backoffStrategy: 'exponential' });
    expect(definition.triggers).toEqual([
      { type: 'schedule', configuration: { cron: '0 9 * * 1-5', timezone: 'UTC' } },
    ]);
    expect(definition.steps[0]).toEqual({
      id: 'fetch',
      name: 'Fetch',
      description: 'Fetches the order.',
      type: 'task',
      configuration: { handler: 'orders.fetch.eu' },
      inputs: { orderId: { $ref: 'input.orderId' } },
      outputs: {},
    });
    const route = definition.steps[1];
    expect(route?.type === 'decision' && route.configuration.branches[0]?.condition).toEqual({
      op: 'gt',
      left: { $ref: 'steps.fetch.output.total' },
      right: 250,
    });
    // The agent's own {{order}} placeholder is left for the runner.
    expect(definition.steps[2]?.configuration).toEqual({
      agent: { prompt: 'Review this eu order: {{order}}' },
    });
  });

  it('names every missing, unknown, wrongly typed or disallowed parameter', () => {
    const error = thrown(() =>
      instantiateTemplate(reviewTemplate(), { threshold: 'high', retries: 1.5, thresold: 3 }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details.problems).toEqual([
      {
        parameter: 'thresold',
        message:
          '"thresold" is not a parameter of this template (it has: region, threshold, cron, retries).',
      },
      { parameter: 'region', message: '"region" is required (type string) and has no default.' },
      {
        parameter: 'threshold',
        message: '"threshold" must be of type number, not the string "high".',
      },
      { parameter: 'retries', message: '"retries" must be of type integer, not the fraction 1.5.' },
    ]);
    const disallowed = thrown(() => instantiateTemplate(reviewTemplate(), { region: 'apac' }));
    expect(disallowed.message).toContain('"region" must be one of "eu", "us", not "apac"');
  });

  it('refuses a result that is not a valid workflow', () => {
    const error = thrown(() =>
      instantiateTemplate(reviewTemplate(), { region: 'eu', cron: 'whenever' }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.details.problems).toEqual([
      expect.objectContaining({ code: 'invalid_cron', path: 'triggers[0].configuration.cron' }),
    ]);
  });

  it('refuses a template whose placeholders name no parameter', () => {
    const template = reviewTemplate();
    template.steps[0]!.configurationTemplate = { handler: '{{params.handler}}' };
    template.steps[1]!.timeout = { $param: 'timeout' };
    const error = thrown(() => instantiateTemplate(template, { region: 'eu' }));
    expect(error.code).toBe('validation_failed');
    expect(error.details.problems).toEqual([
      {
        path: 'steps[0].configurationTemplate.handler',
        message: 'The placeholder {{params.handler}} names no declared parameter.',
      },
      {
        path: 'steps[1].timeout',
        message: 'The placeholder { "$param": "timeout" } names no declared parameter.',
      },
    ]);
  });
});

describe('workflowTemplateSchema', () => {
  it('refuses defaults of the wrong type, repeated parameters and objects written inside strings', () => {
    const template = reviewTemplate();
    template.parameters = [
      { name: 'threshold', type: 'number', default: '100' },
      { name: 'threshold', type: 'number' },
      { name: 'extra', type: 'object', default: {} },
    ];
    template.name = 'Review {{params.extra}}';
    const messages = workflowTemplateSchema
      .safeParse(template)
      .error?.issues.map((issue) => issue.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'The parameter "threshold" is declared twice.',
        'The default of "threshold" must be of type number, not the string "100".',
        'The object parameter "extra" cannot be written inside a string; use { "$param": "extra" }.',
      ]),
    );
  });
});

describe('registerTemplate', () => {
  it('adds a template to a new registry and refuses a second with the same id', () => {
    const empty = createWorkflowRegistry();
    const registry = registerTemplate(empty, reviewTemplate());
    expect(empty.templates).toEqual([]);
    expect(findTemplate(registry, 'order-review').category).toBe('commerce');
    expect(thrown(() => registerTemplate(registry, reviewTemplate())).code).toBe('duplicate_id');
    expect(thrown(() => findTemplate(registry, 'nope')).code).toBe('not_found');
  });

  it('lets an instantiated template be registered as a workflow', () => {
    const registry = registerTemplate(createWorkflowRegistry(), reviewTemplate());
    const definition = instantiateTemplate(findTemplate(registry, 'order-review'), {
      region: 'us',
    });
    const withWorkflow = registerWorkflow(registry, definition);
    expect(Object.keys(withWorkflow.workflows)).toEqual(['order-review']);
  });
});
