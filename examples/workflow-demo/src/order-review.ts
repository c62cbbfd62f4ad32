/**
 * The demo's workflow and its task handlers. The definition is plain data, written with the typed
 * builder; the handlers are the code it names.
 */
import { AgentryError } from '@agentry/core';
import {
  conditions,
  defineTaskHandler,
  input,
  output,
  workflow,
  type TaskHandler,
} from '@agentry/workflows';
import { z } from 'zod';

export const orderReview = workflow('order-review')
  .name('Order review')
  .trigger({ type: 'manual' })
  .errorHandling({
    retryAttempts: 1,
    backoffStrategy: 'fixed',
    // A step that still fails after its retry waits for a person rather than failing the run.
    fallbackAction: 'human_intervention',
  })
  .task('fetch', { handler: 'orders.fetch', inputs: { orderId: input('orderId') } })
  .decision('route', {
    branches: [{ condition: conditions.gt(output('fetch', 'total'), 100), next: 'review' }],
    default: 'notify',
  })
  .agent('review', {
    prompt: 'Review order {{order}} for anything unusual. Answer in one sentence.',
    instructions: 'You review orders for a small shop. Be brief.',
    inputs: { order: output('fetch') },
    timeout: 30_000,
  })
  .task('approve', {
    handler: 'orders.approve',
    inputs: { total: output('fetch', 'total'), review: output('review', 'text') },
  })
  .parallel('notify', { branches: [['email'], ['ledger']], onBranchFailure: 'wait-all' })
  .task('email', { handler: 'notify.email', inputs: { orderId: input('orderId') } })
  .task('ledger', {
    handler: 'notify.ledger',
    inputs: { orderId: input('orderId'), total: output('fetch', 'total') },
  })
  .build();

const orders: Record<string, { total: number; items: string[] }> = {
  'A-1': { total: 40, items: ['tea'] },
  'A-7': { total: 1_250, items: ['espresso machine', 'grinder'] },
};

/** The handlers, by the names the definition uses; `say` prints what each one does. */
export function orderHandlers(say: (line: string) => void) {
  const fetchOrder = defineTaskHandler({
    input: z.object({ orderId: z.string().min(1) }),
    output: z.object({ orderId: z.string(), total: z.number(), items: z.array(z.string()) }),
    run: ({ orderId }) => {
      const order = orders[orderId];
      if (!order) {
        throw new AgentryError({
          code: 'not_found',
          recoverable: false,
          message: `There is no order ${orderId}.`,
        });
      }
      return { orderId, ...order };
    },
  });
  const approve: TaskHandler = ({ total }) => {
    if (typeof total === 'number' && total > 1_000)
      throw new Error('Orders over 1,000 need a manager to approve them.');
    return { approved: true, by: 'policy' };
  };
  const notify =
    (channel: string): TaskHandler =>
    (stepInput, ctx) => {
      // The key is the same for every attempt and after a crash: the place to de-duplicate.
      say(
        `    ${channel}: order ${String(stepInput.orderId)} (idempotency key ${ctx.idempotencyKey})`,
      );
      return { sent: true };
    };
  return {
    'orders.fetch': fetchOrder,
    'orders.approve': approve,
    'notify.email': notify('email'),
    'notify.ledger': notify('ledger'),
  };
}
