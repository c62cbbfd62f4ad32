import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { orderWorkflow, trivialWorkflow } from './__fixtures__/order-workflow.js';
import {
  assertValidWorkflow,
  validateWorkflow,
  type ValidateWorkflowOptions,
} from './validate-workflow.js';
import type { WorkflowProblem } from './workflow-problem.js';

type Draft = Record<string, any>;

function draft(change: (definition: Draft) => void, base = orderWorkflow()): Draft {
  const definition = structuredClone(base) as Draft;
  change(definition);
  return definition;
}

function problems(
  definition: unknown,
  options?: ValidateWorkflowOptions,
): Pick<WorkflowProblem, 'code' | 'path'>[] {
  return validateWorkflow(definition, options).problems.map(({ code, path }) => ({ code, path }));
}

describe('validateWorkflow', () => {
  it('accepts a workflow with every step and trigger type', () => {
    const result = validateWorkflow(orderWorkflow());
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.definition).toEqual(orderWorkflow());
  });

  it('fills defaults in the returned definition', () => {
    const result = validateWorkflow({
      id: 'greet',
      name: 'Greet',
      triggers: [{ type: 'manual' }],
      steps: [{ id: 'hello', name: 'Hello', type: 'task', configuration: { handler: 'greet' } }],
    });
    expect(result.definition).toEqual(trivialWorkflow());
  });

  it('refuses something that is not an object', () => {
    expect(problems('workflow')).toEqual([{ code: 'invalid_field', path: '(root)' }]);
  });

  describe('ids', () => {
    it('reports a missing workflow id', () => {
      expect(problems(draft((d) => delete d.id))).toEqual([{ code: 'invalid_id', path: 'id' }]);
    });

    it('reports a missing or malformed step id', () => {
      expect(problems(draft((d) => delete d.steps[5].id))).toContainEqual({
        code: 'invalid_id',
        path: 'steps[5].id',
      });
      expect(problems(draft((d) => (d.steps[0].id = 'fetch.order')))).toContainEqual({
        code: 'invalid_id',
        path: 'steps[0].id',
      });
    });

    it('reports a repeated step id at the second use', () => {
      const result = validateWorkflow(draft((d) => (d.steps[5].id = 'crm')));
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          code: 'duplicate_step_id',
          path: 'steps[5].id',
          message: 'The step id "crm" is already used by steps[4].',
        }),
      );
    });
  });

  it('reports an unknown step type', () => {
    expect(problems(draft((d) => (d.steps[5].type = 'script')))).toContainEqual({
      code: 'invalid_step_type',
      path: 'steps[5].type',
    });
  });

  it('reports a condition with an unknown op', () => {
    const found = validateWorkflow(
      draft((d) => (d.steps[1].configuration.branches[0].condition = { op: 'eval', code: '1' })),
    ).problems;
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'invalid_condition',
        path: 'steps[1].configuration.branches[0].condition.op',
      }),
    );
  });

  describe('references to steps', () => {
    it('reports a $ref to a step that does not exist, with a suggestion', () => {
      const result = validateWorkflow(
        draft((d) => (d.steps[6].inputs.level = { $ref: 'steps.rsik.output.level' })),
      );
      expect(result.problems).toEqual([
        expect.objectContaining({
          code: 'unknown_step',
          path: 'steps[6].inputs.level',
          suggestion: 'Did you mean "risk"?',
        }),
      ]);
    });

    it('reports a next that names no step', () => {
      expect(problems(draft((d) => (d.steps[2].next = 'enrihc')))).toEqual([
        { code: 'unknown_step', path: 'steps[2].next' },
      ]);
    });

    it('reports a decision branch and default that name no step', () => {
      expect(
        problems(
          draft((d) => {
            d.steps[1].configuration.branches[0].next = 'reveiw';
            d.steps[1].configuration.default = 'nowhere';
          }),
        ),
      ).toEqual(
        expect.arrayContaining([
          { code: 'unknown_step', path: 'steps[1].configuration.branches[0].next' },
          { code: 'unknown_step', path: 'steps[1].configuration.default' },
        ]),
      );
    });

    it('reports a parallel branch that lists no step', () => {
      expect(
        problems(draft((d) => d.steps[3].configuration.branches[1].steps.push('audit'))),
      ).toEqual([{ code: 'unknown_step', path: 'steps[3].configuration.branches[1].steps[2]' }]);
    });

    it('reports a $ref to a step that runs later', () => {
      expect(
        problems(
          draft((d) => (d.steps[0].inputs.tracking = { $ref: 'steps.ship.output.tracking' })),
        ),
      ).toEqual([{ code: 'reference_not_ancestor', path: 'steps[0].inputs.tracking' }]);
    });

    it('reports a $ref to a step in a sibling parallel branch', () => {
      expect(
        problems(draft((d) => (d.steps[4].inputs.level = { $ref: 'steps.risk.output.level' }))),
      ).toEqual([{ code: 'reference_not_ancestor', path: 'steps[4].inputs.level' }]);
    });

    it('reports a $ref of a step to itself, also inside decision conditions', () => {
      expect(
        problems(
          draft(
            (d) =>
              (d.steps[1].configuration.branches[0].condition.left = {
                $ref: 'steps.route.output.x',
              }),
          ),
        ),
      ).toEqual([
        {
          code: 'reference_not_ancestor',
          path: 'steps[1].configuration.branches[0].condition.left',
        },
      ]);
    });

    it('reports a malformed reference path', () => {
      expect(problems(draft((d) => (d.steps[0].inputs.home = { $ref: 'env.HOME' })))).toEqual([
        { code: 'invalid_reference', path: 'steps[0].inputs.home' },
      ]);
    });

    it('reports an event filter that reads a step', () => {
      expect(
        problems(
          draft(
            (d) => (d.triggers[3].configuration.filter.left = { $ref: 'steps.fetch.output.total' }),
          ),
        ),
      ).toEqual([{ code: 'invalid_reference', path: 'triggers[3].configuration.filter.left' }]);
    });

    it('reports a jump into a parallel branch', () => {
      expect(problems(draft((d) => (d.steps[1].configuration.default = 'crm')))).toContainEqual({
        code: 'invalid_next_target',
        path: 'steps[1].configuration.default',
      });
    });

    it('reports a decision inside a branch and a next on a branch step', () => {
      const definition = draft((d) => {
        d.steps[5].next = 'ship';
        d.steps[3].configuration.branches[0].steps = ['route'];
      });
      expect(problems(definition)).toEqual(
        expect.arrayContaining([
          { code: 'invalid_branch_step', path: 'steps[5].next' },
          { code: 'invalid_branch_step', path: 'steps[3].configuration.branches[0].steps[0]' },
        ]),
      );
    });

    it('reports a step listed in two branches', () => {
      expect(
        problems(draft((d) => d.steps[3].configuration.branches[0].steps.push('risk'))),
      ).toContainEqual({
        code: 'step_in_multiple_branches',
        path: 'steps[3].configuration.branches[1].steps[0]',
      });
    });
  });

  describe('cycles and reachability', () => {
    it('names a cycle through next', () => {
      const result = validateWorkflow(draft((d) => (d.steps[7].next = 'fetch')));
      expect(result.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: 'cycle',
            path: 'steps[7].next',
            message:
              'Circular reference: fetch -> route -> review -> enrich -> crm -> ship -> fetch.',
          }),
        ]),
      );
    });

    it('names a two-step cycle a -> b -> a', () => {
      const definition = {
        ...trivialWorkflow(),
        errorHandling: { retryAttempts: 0, backoffStrategy: 'fixed' },
        steps: [
          { id: 'a', name: 'A', type: 'task', configuration: { handler: 'a' }, next: 'b' },
          { id: 'b', name: 'B', type: 'task', configuration: { handler: 'b' }, next: 'a' },
        ],
      };
      const result = validateWorkflow(definition);
      expect(result.problems.map((problem) => [problem.code, problem.message])).toEqual([
        ['cycle', 'Circular reference: a -> b -> a.'],
      ]);
    });

    it('names a cycle through a decision', () => {
      const result = validateWorkflow(
        draft((d) => (d.steps[1].configuration.branches[0].next = 'fetch')),
      );
      expect(result.problems).toContainEqual(
        expect.objectContaining({
          code: 'cycle',
          message: 'Circular reference: fetch -> route -> fetch.',
        }),
      );
    });

    it('reports a step no path reaches', () => {
      expect(
        problems(draft((d) => (d.steps[1].configuration.branches[0].next = 'enrich'))),
      ).toEqual([{ code: 'unreachable_step', path: 'steps[2]' }]);
    });
  });

  describe('steps and triggers', () => {
    it('reports a workflow without steps', () => {
      expect(problems(draft((d) => (d.steps = [])))).toEqual([{ code: 'no_steps', path: 'steps' }]);
    });

    it('reports a missing or empty trigger list', () => {
      expect(problems(draft((d) => (d.triggers = [])))).toEqual([
        { code: 'no_triggers', path: 'triggers' },
      ]);
      expect(problems(draft((d) => delete d.triggers))).toEqual([
        { code: 'no_triggers', path: 'triggers' },
      ]);
    });

    it('reports an unknown trigger type', () => {
      expect(problems(draft((d) => (d.triggers[0].type = 'email')))).toEqual([
        { code: 'invalid_trigger_type', path: 'triggers[0].type' },
      ]);
    });

    it('checks the cron expression with croner', () => {
      expect(problems(draft((d) => (d.triggers[1].configuration.cron = '61 * * * *')))).toEqual([
        { code: 'invalid_cron', path: 'triggers[1].configuration.cron' },
      ]);
    });

    it('requires an IANA time zone', () => {
      for (const timezone of ['Mars/Olympus', '+01:00']) {
        expect(problems(draft((d) => (d.triggers[1].configuration.timezone = timezone)))).toEqual([
          { code: 'invalid_time_zone', path: 'triggers[1].configuration.timezone' },
        ]);
      }
      expect(problems(draft((d) => delete d.triggers[1].configuration.timezone))).toEqual([
        { code: 'invalid_field', path: 'triggers[1].configuration.timezone' },
      ]);
    });

    it('requires an event source', () => {
      expect(problems(draft((d) => delete d.triggers[3].configuration.source))).toEqual([
        { code: 'invalid_field', path: 'triggers[3].configuration.source' },
      ]);
    });

    it('refuses a webhook secret written inline, and a secret reference in place of a name', () => {
      expect(
        problems(draft((d) => (d.triggers[2].configuration.secret = 'whsec_0123456789'))),
      ).toEqual([{ code: 'inline_secret', path: 'triggers[2].configuration.secret' }]);
      expect(
        problems(draft((d) => (d.triggers[2].configuration.secretName = '${secret:orders}'))),
      ).toEqual([{ code: 'invalid_field', path: 'triggers[2].configuration.secretName' }]);
    });

    it('checks the webhook path and body limit', () => {
      expect(
        problems(
          draft((d) => {
            d.triggers[2].configuration.path = 'hooks/orders';
            d.triggers[2].configuration.maxBodyBytes = 0;
          }),
        ),
      ).toEqual([
        { code: 'invalid_field', path: 'triggers[2].configuration.path' },
        { code: 'invalid_field', path: 'triggers[2].configuration.maxBodyBytes' },
      ]);
    });

    it('requires a manual input schema to be JSON', () => {
      expect(
        problems(
          draft(
            (d) =>
              (d.triggers[0].configuration.inputSchema = { type: 'object', check: () => true }),
          ),
        ),
      ).toEqual([
        { code: 'not_serializable', path: 'triggers[0].configuration.inputSchema.check' },
      ]);
    });

    it('reports subgraph inputs and prompt placeholders without an input', () => {
      expect(
        problems(
          draft((d) => {
            d.steps[7].inputs = { orderId: { $ref: 'input.orderId' } };
            d.steps[2].configuration.agent.prompt = 'Review {{order}} for {{customer}}';
          }),
        ),
      ).toEqual([
        { code: 'unknown_prompt_input', path: 'steps[2].configuration.agent.prompt' },
        { code: 'unused_inputs', path: 'steps[7].inputs' },
      ]);
    });
  });

  describe('error handling', () => {
    it('lets a one-step handler workflow leave it out', () => {
      expect(validateWorkflow(trivialWorkflow()).valid).toBe(true);
    });

    it('requires it with more than one step', () => {
      expect(problems(draft((d) => delete d.errorHandling))).toEqual([
        { code: 'missing_error_handling', path: 'errorHandling' },
      ]);
    });

    it('requires it on a single agent, decision, parallel or subgraph step', () => {
      const agent = draft(
        (d) => (d.steps[0].configuration = { agent: { prompt: 'Hi' } }),
        trivialWorkflow(),
      );
      expect(problems(agent)).toEqual([{ code: 'missing_error_handling', path: 'errorHandling' }]);
      const subgraph = draft(
        (d) =>
          (d.steps[0] = {
            id: 'child',
            name: 'Child',
            type: 'subgraph',
            configuration: { workflowId: 'other' },
          }),
        trivialWorkflow(),
      );
      expect(problems(subgraph)).toEqual([
        { code: 'missing_error_handling', path: 'errorHandling' },
      ]);
    });
  });

  describe('against a registry', () => {
    const shipping = { id: 'shipping', steps: [] };

    it('reports a subgraph whose workflow is not registered', () => {
      expect(problems(orderWorkflow(), { registry: { workflows: {} } })).toEqual([
        { code: 'unknown_workflow', path: 'steps[7].configuration.workflowId' },
      ]);
      expect(problems(orderWorkflow(), { registry: { workflows: { shipping } } })).toEqual([]);
    });

    it('reports a workflow that runs itself, directly or through another', () => {
      expect(
        problems(draft((d) => (d.steps[7].configuration.workflowId = 'order-review'))),
      ).toEqual([{ code: 'recursive_subgraph', path: 'steps[7].configuration.workflowId' }]);
      const loop = {
        id: 'shipping',
        steps: [{ id: 'back', type: 'subgraph', configuration: { workflowId: 'order-review' } }],
      };
      const result = validateWorkflow(orderWorkflow(), {
        registry: { workflows: { shipping: loop } },
      });
      expect(result.problems).toEqual([
        expect.objectContaining({
          code: 'recursive_subgraph',
          message:
            'The subgraph "shipping" comes back to this workflow: order-review -> shipping -> order-review.',
        }),
      ]);
    });

    it('reports handlers and predicates that are not registered', () => {
      const definition = draft((d) => {
        d.steps[1].configuration.branches[0].condition = { op: 'predicate', name: 'isBig' };
      });
      expect(
        problems(definition, {
          handlers: ['orders.fetch', 'crm.lookup', 'risk.check', 'risk.scor'],
          predicates: ['isLarge'],
        }),
      ).toEqual([
        { code: 'unknown_predicate', path: 'steps[1].configuration.branches[0].condition.name' },
        { code: 'unknown_handler', path: 'steps[6].configuration.handler' },
      ]);
    });
  });

  it('reports every problem of a badly broken definition at once', () => {
    const definition = {
      name: 'Broken',
      triggers: [
        { type: 'schedule', configuration: { cron: 'every day', timezone: 'Nowhere/Town' } },
      ],
      steps: [
        {
          id: 'a',
          name: 'A',
          type: 'task',
          configuration: { handler: 'a' },
          inputs: { x: { $ref: 'steps.ghost.output' } },
        },
        { id: 'a', name: 'A again', type: 'task', configuration: { handler: 'a' } },
        { id: 'b', name: 'B', type: 'loop', configuration: {} },
        {
          id: 'c',
          name: 'C',
          type: 'decision',
          configuration: {
            branches: [{ condition: { op: 'eq', left: 1, right: 1 }, next: 'a' }],
            default: 'ghost',
          },
        },
      ],
    };
    const codes = validateWorkflow(definition).problems.map(
      (problem) => `${problem.code} ${problem.path}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'invalid_id id',
        'invalid_cron triggers[0].configuration.cron',
        'invalid_time_zone triggers[0].configuration.timezone',
        'duplicate_step_id steps[1].id',
        'invalid_step_type steps[2].type',
        'unknown_step steps[3].configuration.default',
        'unknown_step steps[0].inputs.x',
        'cycle steps[3].configuration.branches[0].next',
        'missing_error_handling errorHandling',
      ]),
    );
  });
});

describe('assertValidWorkflow', () => {
  it('returns the parsed definition when it is valid', () => {
    expect(assertValidWorkflow(orderWorkflow())).toEqual(orderWorkflow());
  });

  it('throws one validation_failed error listing every problem', () => {
    const definition = draft((d) => {
      d.triggers = [];
      d.steps[2].next = 'nowhere';
      delete d.errorHandling;
    });
    try {
      assertValidWorkflow(definition);
      expect.unreachable();
    } catch (error) {
      expect(AgentryError.isInstance(error)).toBe(true);
      const agentryError = error as AgentryError;
      expect(agentryError.code).toBe('validation_failed');
      expect(agentryError.message).toMatch(/^The workflow "order-review" has 3 problems: /);
      expect(
        (agentryError.details.problems as WorkflowProblem[]).map((problem) => problem.code),
      ).toEqual(['no_triggers', 'unknown_step', 'missing_error_handling']);
      expect(agentryError.suggestions.length).toBeGreaterThan(0);
    }
  });
});
