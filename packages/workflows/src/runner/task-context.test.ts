import { createMemoryStore, type Logger } from '@agentry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { define, task } from '../../test/fixtures/workflows.js';
import { createWorkflowRunner } from './create-workflow-runner.js';
import type { WorkflowRunner } from './runner-types.js';

const open: WorkflowRunner[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runner) => runner.close()));
});

/** Records `[level, bindings and fields, message]` for each line. */
function recordingLogger(
  lines: [string, Record<string, unknown>, string | undefined][],
  bindings: Record<string, unknown> = {},
): Logger {
  const at = (level: string) => (obj: Record<string, unknown> | string, msg?: string) =>
    void lines.push(
      typeof obj === 'string'
        ? [level, { ...bindings }, obj]
        : [level, { ...bindings, ...obj }, msg],
    );
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

describe('TaskContext.logger', () => {
  it('is the runner’s logger bound to the workflow, run, step and attempt', async () => {
    const lines: [string, Record<string, unknown>, string | undefined][] = [];
    const runner = createWorkflowRunner({
      store: createMemoryStore(),
      registry: { greet: define('greet', [task('hello', 'hello', {})]) },
      handlers: {
        hello: (_input, ctx) => {
          ctx.logger.info({ greeting: 'hi' }, 'said hello');
          return { ok: true };
        },
      },
      generateId: () => 'run-1',
      logger: recordingLogger(lines),
    });
    open.push(runner);
    expect((await runner.run('greet', {})).status).toBe('completed');
    expect(lines).toEqual([
      [
        'info',
        { workflowId: 'greet', runId: 'run-1', stepId: 'hello', attempt: 1, greeting: 'hi' },
        'said hello',
      ],
    ]);
  });

  it('defaults to core’s console logger: warnings reach console.error', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const runner = createWorkflowRunner({
        store: createMemoryStore(),
        registry: { greet: define('greet', [task('hello', 'hello', {})]) },
        handlers: { hello: (_input, ctx) => void ctx.logger.warn('careful') },
        generateId: () => 'run-2',
      });
      open.push(runner);
      await runner.run('greet', {});
      expect(printed).toHaveBeenCalledWith(
        'WARN careful {"workflowId":"greet","runId":"run-2","stepId":"hello","attempt":1}',
      );
    } finally {
      printed.mockRestore();
    }
  });
});
