import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { orderWorkflow } from './__fixtures__/order-workflow.js';
import { conditions, input, output } from './references.js';
import { workflow } from './workflow-builder.js';

function orderBuilder() {
  return workflow('order-review')
    .name('Order review')
    .description('Reviews big orders, enriches them and ships them.')
    .errorHandling({
      retryAttempts: 2,
      backoffStrategy: 'exponential',
      fallbackAction: 'human_intervention',
      circuitBreaker: { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
    })
    .trigger({ type: 'manual' })
    .trigger({
      type: 'schedule',
      configuration: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    })
    .trigger({
      type: 'webhook',
      configuration: { path: '/hooks/orders', secretName: 'orders-webhook', maxBodyBytes: 65_536 },
    })
    .trigger({
      type: 'event',
      configuration: {
        source: 'orders',
        eventType: 'order-created',
        filter: conditions.gt(input('total'), 0),
      },
    })
    .task('fetch', {
      name: 'Fetch order',
      handler: 'orders.fetch',
      inputs: { orderId: input('orderId') },
      timeout: 5_000,
      retryPolicy: { maxAttempts: 3, baseDelay: 200, maxDelay: 2_000, jitter: true },
    })
    .decision('route', {
      name: 'Route',
      branches: [{ condition: conditions.gt(output('fetch', 'total'), 100), next: 'review' }],
      default: 'enrich',
    })
    .agent('review', {
      name: 'Review',
      prompt: 'Review this order: {{order}}',
      inputs: { order: output('fetch') },
      next: 'enrich',
    })
    .parallel('enrich', {
      name: 'Enrich',
      branches: [['crm'], { name: 'risk', steps: ['risk', 'score'] }],
      concurrency: 2,
      onBranchFailure: 'wait-all',
    })
    .task('crm', {
      name: 'CRM lookup',
      handler: 'crm.lookup',
      inputs: { customerId: input('customerId') },
    })
    .task('risk', { name: 'Risk check', handler: 'risk.check' })
    .task('score', {
      name: 'Risk score',
      handler: 'risk.score',
      inputs: { level: output('risk', 'level') },
    })
    .subgraph('ship', {
      name: 'Ship',
      workflowId: 'shipping',
      inputMapping: { orderId: input('orderId'), customer: output('crm') },
      outputMapping: { tracking: 'label.tracking' },
    });
}

describe('workflow', () => {
  describe('build', () => {
    it('produces exactly the data written as a literal', () => {
      expect(orderBuilder().build()).toEqual(orderWorkflow());
      expect(orderBuilder().toJSON()).toEqual(orderWorkflow());
    });

    it('produces plain JSON that survives a round trip', () => {
      const built = orderBuilder().build();
      expect(JSON.parse(JSON.stringify(built))).toEqual(built);
    });

    it('defaults the names to the ids and parallel to false', () => {
      expect(
        workflow('greet').trigger({ type: 'manual' }).task('hello', { handler: 'greet' }).build(),
      ).toEqual({
        id: 'greet',
        name: 'greet',
        description: '',
        parallel: false,
        triggers: [{ type: 'manual', configuration: {} }],
        steps: [
          {
            id: 'hello',
            name: 'hello',
            type: 'task',
            configuration: { handler: 'greet' },
            inputs: {},
            outputs: {},
          },
        ],
      });
    });

    it('sets parallel with concurrentRuns', () => {
      const built = workflow('greet')
        .concurrentRuns(true)
        .trigger({ type: 'manual' })
        .task('hello', { handler: 'greet' })
        .build();
      expect(built.parallel).toBe(true);
    });

    it('validates, and throws every problem at once', () => {
      const builder = workflow('broken')
        .task('a', { handler: 'a', next: 'missing' })
        .task('b', { handler: 'b' });
      try {
        builder.build();
        expect.unreachable();
      } catch (error) {
        expect(AgentryError.isInstance(error) && error.code).toBe('validation_failed');
        const codes = ((error as AgentryError).details.problems as { code: string }[]).map(
          (problem) => problem.code,
        );
        expect(codes).toEqual(
          expect.arrayContaining(['no_triggers', 'unknown_step', 'missing_error_handling']),
        );
      }
    });

    it('passes registry names on to validation', () => {
      expect(() =>
        workflow('greet')
          .trigger({ type: 'manual' })
          .task('hello', { handler: 'greet' })
          .build({ handlers: ['welcome'] }),
      ).toThrow(/handler "greet", which is not registered/);
    });
  });
});
