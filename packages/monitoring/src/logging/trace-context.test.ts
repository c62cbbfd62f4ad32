import { Writable } from 'node:stream';
import {
  context,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type ContextManager,
} from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createPinoLogger } from './create-pino-logger.js';
import { loadTraceIdsReader } from './trace-context.js';

/** The smallest synchronous context manager: enough for `context.with` to make a span active. */
function stackContextManager(): ContextManager {
  const stack: Context[] = [];
  const manager: ContextManager = {
    active: () => stack.at(-1) ?? ROOT_CONTEXT,
    with(activeContext, fn, thisArg, ...args) {
      stack.push(activeContext);
      try {
        return fn.call(thisArg, ...args);
      } finally {
        stack.pop();
      }
    },
    bind: (_context, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

afterEach(() => {
  context.disable();
});

function lines(config: { structured: boolean }) {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(String(chunk));
      callback();
    },
  });
  return {
    stream,
    read: () =>
      raw
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    config,
  };
}

describe('loadTraceIdsReader', () => {
  it('adds the active span’s trace and span ids to every structured line, and nothing outside a span', async () => {
    context.setGlobalContextManager(stackContextManager());
    const out = lines({ structured: true });
    const { logger } = await createPinoLogger({
      config: { level: 'info', format: 'json', structured: true },
      destination: out.stream,
      lookup: () => undefined,
      readTraceIds: await loadTraceIdsReader(),
    });
    const span = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      logger.child({ agentId: 'a-1' }).info('inside'),
    );
    logger.info('outside');
    const [inside, outside] = out.read();
    expect(inside).toMatchObject({
      msg: 'inside',
      agentId: 'a-1',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('reads nothing when no context manager is registered (the API alone has no active span)', async () => {
    const read = await loadTraceIdsReader();
    const span = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), read)).toBeUndefined();
  });
});

const failingImport = (code: string) => () =>
  Promise.reject(Object.assign(new Error("Cannot find package '@opentelemetry/api'"), { code }));

describe('loadTraceIdsReader without @opentelemetry/api', () => {
  it('answers no trace ids rather than failing installation, as in an app without OpenTelemetry', async () => {
    const read = await loadTraceIdsReader(failingImport('ERR_MODULE_NOT_FOUND'));
    expect(read()).toBeUndefined();
  });

  it('does not hide another failure of the import', async () => {
    await expect(loadTraceIdsReader(failingImport('ERR_REQUIRE_ESM'))).rejects.toMatchObject({
      code: 'ERR_REQUIRE_ESM',
    });
  });
});
