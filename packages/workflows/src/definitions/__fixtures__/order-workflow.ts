import type { WorkflowDefinition } from '../workflow-definition.js';

/** A valid workflow with every step type, written out in full (every default present). */
export function orderWorkflow(): WorkflowDefinition {
  return {
    id: 'order-review',
    name: 'Order review',
    description: 'Reviews big orders, enriches them and ships them.',
    parallel: false,
    errorHandling: {
      retryAttempts: 2,
      backoffStrategy: 'exponential',
      fallbackAction: 'human_intervention',
      circuitBreaker: { failureThreshold: 5, recoveryTimeout: 30_000, halfOpenMaxCalls: 1 },
    },
    triggers: [
      { type: 'manual', configuration: {} },
      { type: 'schedule', configuration: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' } },
      {
        type: 'webhook',
        configuration: {
          path: '/hooks/orders',
          secretName: 'orders-webhook',
          maxBodyBytes: 65_536,
        },
      },
      {
        type: 'event',
        configuration: {
          source: 'orders',
          eventType: 'order-created',
          filter: { op: 'gt', left: { $ref: 'input.total' }, right: 0 },
        },
      },
    ],
    steps: [
      {
        id: 'fetch',
        name: 'Fetch order',
        type: 'task',
        configuration: { handler: 'orders.fetch' },
        inputs: { orderId: { $ref: 'input.orderId' } },
        outputs: {},
        timeout: 5_000,
        retryPolicy: { maxAttempts: 3, baseDelay: 200, maxDelay: 2_000, jitter: true },
      },
      {
        id: 'route',
        name: 'Route',
        type: 'decision',
        configuration: {
          branches: [
            {
              condition: { op: 'gt', left: { $ref: 'steps.fetch.output.total' }, right: 100 },
              next: 'review',
            },
          ],
          default: 'enrich',
        },
        inputs: {},
        outputs: {},
      },
      {
        id: 'review',
        name: 'Review',
        type: 'task',
        configuration: { agent: { prompt: 'Review this order: {{order}}' } },
        inputs: { order: { $ref: 'steps.fetch.output' } },
        outputs: {},
        next: 'enrich',
      },
      {
        id: 'enrich',
        name: 'Enrich',
        type: 'parallel',
        configuration: {
          branches: [{ steps: ['crm'] }, { name: 'risk', steps: ['risk', 'score'] }],
          concurrency: 2,
          onBranchFailure: 'wait-all',
        },
        inputs: {},
        outputs: {},
      },
      {
        id: 'crm',
        name: 'CRM lookup',
        type: 'task',
        configuration: { handler: 'crm.lookup' },
        inputs: { customerId: { $ref: 'input.customerId' } },
        outputs: {},
      },
      {
        id: 'risk',
        name: 'Risk check',
        type: 'task',
        configuration: { handler: 'risk.check' },
        inputs: {},
        outputs: {},
      },
      {
        id: 'score',
        name: 'Risk score',
        type: 'task',
        configuration: { handler: 'risk.score' },
        inputs: { level: { $ref: 'steps.risk.output.level' } },
        outputs: {},
      },
      {
        id: 'ship',
        name: 'Ship',
        type: 'subgraph',
        configuration: {
          workflowId: 'shipping',
          inputMapping: {
            orderId: { $ref: 'input.orderId' },
            customer: { $ref: 'steps.crm.output' },
          },
          outputMapping: { tracking: 'label.tracking' },
        },
        inputs: {},
        outputs: {},
      },
    ],
  };
}

/** The smallest valid workflow: one handler task, one manual trigger, no error handling. */
export function trivialWorkflow(): WorkflowDefinition {
  return {
    id: 'greet',
    name: 'Greet',
    description: '',
    parallel: false,
    triggers: [{ type: 'manual', configuration: {} }],
    steps: [
      {
        id: 'hello',
        name: 'Hello',
        type: 'task',
        configuration: { handler: 'greet' },
        inputs: {},
        outputs: {},
      },
    ],
  };
}
