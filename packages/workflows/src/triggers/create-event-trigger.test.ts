import type { AgentryError } from '@agentry/core';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { settle } from './__fixtures__/fake-clock.js';
import { MemoryStarter } from './__fixtures__/memory-starter.js';
import { workflowWith } from './__fixtures__/workflow-with.js';
import {
  createEventTrigger,
  type EventBus,
  type EventTriggerHandle,
} from './create-event-trigger.js';

const bigOrders = workflowWith('big-orders', [
  {
    type: 'event',
    configuration: {
      source: 'orders',
      eventType: 'order-created',
      filter: { op: 'gt', left: { $ref: 'input.total' }, right: 100 },
    },
  },
]);

let handle: EventTriggerHandle | undefined;
afterEach(async () => {
  await handle?.stop();
  handle = undefined;
});

describe('createEventTrigger', () => {
  describe('with an Observable', () => {
    it('starts runs for matching events only, with the event as input and its id as key', async () => {
      const starter = new MemoryStarter();
      const events = new Subject<unknown>();
      const errors: AgentryError[] = [];
      handle = createEventTrigger({
        starter,
        workflows: [bigOrders],
        source: events,
        onError: (error) => errors.push(error),
      });
      handle.start();
      const big = { source: 'orders', type: 'order-created', id: 'e-1', total: 250 };
      events.next(big);
      events.next({ source: 'orders', type: 'order-created', id: 'e-2', total: 50 }); // filtered out
      events.next({ source: 'orders', type: 'order-paid', id: 'e-3', total: 500 }); // other type
      events.next({ source: 'invoices', type: 'order-created', id: 'e-4', total: 500 }); // other source
      events.next(big); // replayed
      events.next('not an object');
      await settle();
      expect(starter.runs).toEqual([
        {
          runId: 'run-1',
          workflowId: 'big-orders',
          input: big,
          options: {
            idempotencyKey: 'event:orders:e-1',
            origin: {
              type: 'event',
              details: { source: 'orders', eventType: 'order-created', eventId: 'e-1' },
            },
          },
        },
      ]);
      expect(starter.calls).toBe(2);
      expect(errors).toEqual([]);
    });

    it('stops on stop() and reports a stream error', async () => {
      const starter = new MemoryStarter();
      const events = new Subject<unknown>();
      const errors: AgentryError[] = [];
      handle = createEventTrigger({
        starter,
        workflows: [bigOrders],
        source: { orders: events },
        onError: (error, context) => errors.push(Object.assign(error, { context })),
      });
      handle.start();
      events.next({ type: 'order-created', total: 101 }); // source from the record key
      await settle();
      expect(starter.runs).toHaveLength(1);
      expect(starter.runs[0]?.options.idempotencyKey).toBeUndefined();
      events.error(new Error('broker gone'));
      expect(errors.map((error) => error.message)).toEqual(['broker gone']);
      await handle.stop();
      expect(events.observed).toBe(false);
    });
  });

  describe('with an application bus', () => {
    it('subscribes, maps the input, and unsubscribes on stop', async () => {
      const handlers = new Set<(event: unknown) => void>();
      const bus: EventBus = {
        subscribe(handler) {
          handlers.add(handler);
          return () => handlers.delete(handler);
        },
      };
      const starter = new MemoryStarter();
      const anyOrder = workflowWith('any-order', [
        { type: 'event', configuration: { source: 'orders' } },
      ]);
      handle = createEventTrigger({
        starter,
        workflows: { workflows: { 'any-order': anyOrder } },
        source: bus,
        mapInput: (event, match) => ({ from: match.source, event }),
        onError: () => undefined,
      });
      handle.start();
      expect(handlers.size).toBe(1);
      for (const handler of handlers) handler({ source: 'orders', id: 7 });
      await settle();
      expect(starter.runs[0]).toMatchObject({
        input: { from: 'orders', event: { source: 'orders', id: 7 } },
        options: { idempotencyKey: 'event:orders:7' },
      });
      await handle.stop();
      expect(handlers.size).toBe(0);
    });
  });

  it('reports a filter that cannot be evaluated and a refused start', async () => {
    const starter = new MemoryStarter();
    const events = new Subject<unknown>();
    const errors: AgentryError[] = [];
    const vip = workflowWith('vip', [
      {
        type: 'event',
        configuration: {
          source: 'orders',
          filter: { op: 'predicate', name: 'isVip', args: [{ $ref: 'input.customer' }] },
        },
      },
    ]);
    handle = createEventTrigger({
      starter,
      workflows: [vip],
      source: events,
      onError: (error) => errors.push(error),
    });
    handle.start();
    events.next({ source: 'orders', customer: 'ada' });
    await settle();
    expect(errors.map((error) => error.code)).toEqual(['not_found']);
    await handle.stop();

    handle = createEventTrigger({
      starter,
      workflows: [vip],
      source: events,
      predicates: { isVip: (customer) => customer === 'ada' },
      onError: (error) => errors.push(error),
    });
    handle.start();
    starter.failWith = new Error('runner down');
    events.next({ source: 'orders', customer: 'ada' });
    await settle();
    expect(errors.map((error) => error.message).at(-1)).toBe('runner down');
    starter.failWith = undefined;
    events.next({ source: 'orders', customer: 'bob' });
    events.next({ source: 'orders', customer: 'ada' });
    await settle();
    expect(starter.runs.map((run) => run.input)).toEqual([{ source: 'orders', customer: 'ada' }]);
  });
});
