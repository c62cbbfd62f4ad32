import {
  AgentryError,
  type AuthorizationDecision,
  type Authorizer,
  type Clock,
  type PluginEvent,
  type ToolCallContext,
} from '@agentry/core';
import { describe, expect, it, vi } from 'vitest';
import {
  createApprovals,
  isApprovalRequested,
  isApprovalResolved,
  type ApprovalsOptions,
} from '../index.js';

// The approval step on its own, with hand-made tool-call contexts: the edges a running instance
// does not reach easily. approvals-run.test.ts shows the whole flow in a real instance.

const allow: AuthorizationDecision = { decision: 'allow', reasons: [], policyIds: ['p'] };

function context(patch: Partial<ToolCallContext> = {}): ToolCallContext {
  return {
    agentId: 'agent-1',
    runId: 'run-1',
    permissions: [],
    toolCallId: 'call-1',
    toolName: 'drop_table',
    access: 'delete',
    destructive: true,
    principal: { id: 'alice' },
    userId: 'alice',
    sessionId: 'session-1',
    signal: new AbortController().signal,
    input: { table: 'orders' },
    ...patch,
  };
}

function setup(options: Partial<ApprovalsOptions> = {}) {
  const events: PluginEvent[] = [];
  const authorize = vi.fn(() => Promise.resolve(allow));
  const authorizer: Authorizer = { authorize };
  let ids = 0;
  const approvals = createApprovals({
    authorizer: () => authorizer,
    emit: (event) => events.push(event),
    generateId: () => `apr-${++ids}`,
    ...options,
  });
  const next = vi.fn(() => Promise.resolve());
  /** Starts a call through the middleware; `settled` records how it ended. */
  const call = (patch: Partial<ToolCallContext> = {}) => {
    const ctx = context(patch);
    const outcome: { value?: 'ran' | AgentryError } = {};
    const done = approvals.middleware(ctx, next).then(
      () => (outcome.value = 'ran'),
      (error: AgentryError) => (outcome.value = error),
    );
    return { ctx, outcome, done };
  };
  return { approvals, events, authorize, next, call };
}

describe('createApprovals', () => {
  it('does pass a call of a tool that is not destructive straight to next(), asking and telling nobody', async () => {
    const { approvals, events, authorize, next } = setup();
    const ctx = context({ destructive: false });
    await approvals.middleware(ctx, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(events).toEqual([]);
    expect(authorize).not.toHaveBeenCalled();
    expect(approvals.pending()).toEqual([]);
  });

  it('does hand out frozen requests: changing one cannot change the input the tool runs with', async () => {
    const { approvals, call } = setup();
    const { ctx, done } = call();
    const [request] = approvals.pending();
    expect(Object.isFrozen(request)).toBe(true);
    expect(() => ((request!.input as { table: string }).table = 'users')).toThrow(TypeError);
    expect(request!.input).not.toBe(ctx.input);
    await approvals.approve('apr-1', { id: 'bob' });
    await done;
    expect(ctx.input).toEqual({ table: 'orders' });
  });

  it('does refuse approve and deny when no authorizer is installed, and the call still waits', async () => {
    const { approvals, call, next } = setup({ authorizer: () => undefined });
    const { outcome } = call();
    for (const decide of [
      () => approvals.approve('apr-1', { id: 'bob' }),
      () => approvals.deny('apr-1', { id: 'bob' }),
    ]) {
      await expect(decide()).rejects.toMatchObject({
        code: 'permission_denied',
        message: expect.stringMatching(/^No authorizer is installed, so bob cannot be checked/),
      });
    }
    expect(approvals.pending()).toHaveLength(1);
    expect(outcome.value).toBeUndefined();
    expect(next).not.toHaveBeenCalled();
  });

  it.each<[string, () => Promise<AuthorizationDecision>]>([
    ['throws', () => Promise.reject(new Error('policy store down'))],
    [
      'answers something that is not a decision',
      () => Promise.resolve({} as AuthorizationDecision),
    ],
  ])('does treat an authorizer that %s as a denial', async (_name, authorize) => {
    const { approvals, call } = setup({ authorizer: () => ({ authorize }) });
    call();
    const error = await approvals
      .approve('apr-1', { id: 'bob' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'permission_denied' });
    expect((error as Error).message).not.toContain('policy store down');
    expect(approvals.pending()).toHaveLength(1);
  });

  it.each<[string, unknown, unknown]>([
    ['an unknown id', 'apr-9', { id: 'bob' }],
    ['an id named like a prototype key', '__proto__', { id: 'bob' }],
  ])('does answer not_found for %s', async (_name, id, approver) => {
    const { approvals, call } = setup();
    call();
    await expect(approvals.approve(id as string, approver as { id: string })).rejects.toMatchObject(
      { code: 'not_found', message: expect.stringContaining('(1 waiting now)') },
    );
  });

  it.each<[string, unknown, unknown, unknown]>([
    ['an approver without an id', 'apr-1', {}, undefined],
    ['an approver with a blank id', 'apr-1', { id: '  ' }, undefined],
    ['an approver whose id is a number', 'apr-1', { id: 7 }, undefined],
    ['no approver', 'apr-1', null, undefined],
    ['an id that is not a string', 1, { id: 'bob' }, undefined],
    ['a reason that is not a string', 'apr-1', { id: 'bob' }, { text: 'no' }],
  ])('does refuse %s with validation_failed', async (_name, id, approver, reason) => {
    const { approvals, call, authorize } = setup();
    call();
    await expect(
      approvals.deny(id as string, approver as { id: string }, reason as string),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    expect(authorize).not.toHaveBeenCalled();
    expect(approvals.pending()).toHaveLength(1);
  });

  it('does find nothing waiting when the request ended while the policy was asked', async () => {
    let answer!: (decision: AuthorizationDecision) => void;
    const { approvals, call, next } = setup({
      authorizer: () => ({
        authorize: () => new Promise<AuthorizationDecision>((resolve) => (answer = resolve)),
      }),
    });
    const controller = new AbortController();
    const { outcome, done } = call({ signal: controller.signal });
    const approving = approvals.approve('apr-1', { id: 'bob' });
    controller.abort(new Error('turn aborted'));
    answer(allow);
    await expect(approving).rejects.toMatchObject({ code: 'not_found' });
    await done;
    expect(outcome.value).toMatchObject({ code: 'approval_required' });
    expect(next).not.toHaveBeenCalled();
  });

  it('does say denied without a reason, as one sentence', async () => {
    const { approvals, call } = setup();
    const { outcome, done } = call();
    await approvals.deny('apr-1', { id: 'bob' }, '   ');
    await done;
    expect(outcome.value).toMatchObject({
      code: 'permission_denied',
      message:
        'bob denied the call of drop_table (delete on tools:drop_table). The tool was not run.',
    });
  });

  it('does let the requester deny their own call', async () => {
    const { approvals, call, next } = setup();
    const { outcome, done } = call();
    await approvals.deny('apr-1', { id: 'alice' }, 'Changed my mind!');
    await done;
    expect((outcome.value as AgentryError).message).toContain(': Changed my mind! The tool');
    expect(next).not.toHaveBeenCalled();
  });

  it('does refuse a call whose signal is already aborted at once, without a request', async () => {
    const { approvals, call, events } = setup();
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    const { outcome, done } = call({ signal: controller.signal });
    await done;
    expect(outcome.value).toMatchObject({ code: 'approval_required' });
    expect(events).toEqual([]);
    expect(approvals.pending()).toEqual([]);
  });

  it('does set the refusal as the call’s error result when its deadline passes, for the model', async () => {
    const { call } = setup();
    const controller = new AbortController();
    const { ctx, done } = call({ signal: controller.signal });
    controller.abort(
      new AgentryError({ code: 'timeout', message: 'late', details: { timeoutMs: 30_000 } }),
    );
    // Set in the abort listener itself, before core reads it.
    expect(ctx.isError).toBe(true);
    expect(ctx.output).toEqual({
      error: {
        code: 'approval_required',
        message: expect.stringContaining("within the tool's timeout of 30000 ms"),
      },
    });
    await done;
  });

  describe('expiresAfterMs', () => {
    function manualClock() {
      let now = 1_000;
      const timers: { at: number; run: () => void }[] = [];
      const clock: Clock = {
        now: () => now,
        setTimeout: (run, ms) => {
          const timer = { at: now + ms, run };
          timers.push(timer);
          return timer;
        },
        clearTimeout: (handle) => {
          const index = timers.indexOf(handle as (typeof timers)[number]);
          if (index >= 0) timers.splice(index, 1);
        },
      };
      const advance = (ms: number) => {
        now += ms;
        for (const timer of timers.filter((candidate) => candidate.at <= now)) {
          timers.splice(timers.indexOf(timer), 1);
          timer.run();
        }
      };
      return { clock, advance, timers };
    }

    it('does refuse a call nobody approved in time, and says when it expires', async () => {
      const { clock, advance, timers } = manualClock();
      const { approvals, call, events } = setup({ clock, expiresAfterMs: 5_000 });
      const { outcome, done } = call();
      expect(approvals.pending()[0]).toMatchObject({ requestedAt: 1_000, expiresAt: 6_000 });
      advance(4_999);
      expect(outcome.value).toBeUndefined();
      advance(1);
      await done;
      expect(outcome.value).toMatchObject({
        code: 'approval_required',
        message: expect.stringContaining(
          'within 5000 ms; the tool was not run. Raise expiresAfterMs',
        ),
      });
      expect(approvals.pending()).toEqual([]);
      expect(events.at(-1)).toMatchObject({
        type: 'approval-resolved',
        outcome: 'expired',
        at: 6_000,
      });
      expect(timers).toEqual([]);
    });

    it('does clear its timer when the call is approved', async () => {
      const { clock, timers } = manualClock();
      const { approvals, call } = setup({ clock, expiresAfterMs: 5_000 });
      const { done } = call();
      await approvals.approve('apr-1', { id: 'bob' });
      await done;
      expect(timers).toEqual([]);
    });

    it.each([0, -1, 1.5, Number.NaN, 2 ** 31])('does refuse %s', (expiresAfterMs) => {
      expect(() => setup({ expiresAfterMs })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });

  it('does withhold the input when the masker fails on it', () => {
    const { approvals, call, events } = setup({
      masker: () => ({
        mask: () => {
          throw new Error('masker bug');
        },
      }),
    });
    call();
    expect(approvals.pending()[0]?.input).toBe('[withheld: the masker failed on this input]');
    expect(JSON.stringify(events)).not.toContain('orders');
  });

  it('does end the wait on an abort even when the resolved event cannot be emitted', async () => {
    let emitted = 0;
    const { approvals, call } = setup({
      emit: () => {
        emitted += 1;
        if (emitted > 1) throw new Error('bad event');
      },
    });
    const controller = new AbortController();
    const { outcome, done } = call({ signal: controller.signal });
    expect(() => controller.abort(new Error('turn aborted'))).not.toThrow();
    await done;
    expect(outcome.value).toMatchObject({ code: 'approval_required' });
    expect(approvals.pending()).toEqual([]);
  });

  it('does withhold a denial reason the masker fails on, and still denies', async () => {
    let calls = 0;
    const { approvals, call } = setup({
      masker: () => ({
        mask: <T>(value: T): T => {
          calls += 1;
          if (calls > 1) throw new Error('masker bug');
          return value;
        },
      }),
    });
    const { outcome, done } = call();
    await approvals.deny('apr-1', { id: 'bob' }, 'secret reason');
    await done;
    expect((outcome.value as AgentryError).message).toContain(
      ': [withheld: the masker failed on this reason]. The tool was not run.',
    );
  });

  it('does refuse the call at once when the request event cannot be emitted', async () => {
    const { approvals, call } = setup({
      emit: () => {
        throw new Error('bad event');
      },
    });
    const { outcome, done } = call();
    await done;
    expect(outcome.value).toBeInstanceOf(Error);
    expect(approvals.pending()).toEqual([]);
  });

  it('does refuse a call when generateId repeats an id that still waits', async () => {
    const { approvals, call } = setup({ generateId: () => 'same' });
    call();
    const second = call();
    await second.done;
    expect(second.outcome.value).toMatchObject({ code: 'internal' });
    expect(approvals.pending()).toHaveLength(1);
  });

  it('does refuse calls that come after close() at once, and closes once', async () => {
    const { approvals, call, events } = setup();
    const first = call();
    approvals.close();
    approvals.close();
    await first.done;
    const later = call();
    await later.done;
    expect(first.outcome.value).toMatchObject({ code: 'approval_required' });
    expect(later.outcome.value).toMatchObject({
      code: 'approval_required',
      message: expect.stringContaining('Approvals are closed'),
    });
    expect(events.map((event) => event.type)).toEqual(['approval-requested', 'approval-resolved']);
  });

  it('does tell its two events apart from every other event', async () => {
    const { approvals, call, events } = setup();
    const { done } = call();
    await approvals.approve('apr-1', { id: 'bob' });
    await done;
    const [requested, resolved] = events;
    expect([isApprovalRequested(requested), isApprovalResolved(requested)]).toEqual([true, false]);
    expect([isApprovalRequested(resolved), isApprovalResolved(resolved)]).toEqual([false, true]);
    for (const other of [
      null,
      'approval-requested',
      { type: 'approval-requested', at: 1 },
      { type: 'security', category: 'access-decision', severity: 'low', at: 1 },
    ]) {
      expect([isApprovalRequested(other), isApprovalResolved(other)]).toEqual([false, false]);
    }
  });
});
