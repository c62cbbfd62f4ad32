import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createAgentry,
  definePlugin,
  defineTool,
  services,
  type Agentry,
  type AgentryPlugin,
  type Masker,
  type ModelRequest,
  type WorkflowRunEvent,
} from '@agentry/core';
import {
  createMockModel,
  createMockProvider,
  mockError,
  mockText,
  mockToolCall,
  providerConfiguration,
  type MockTurn,
} from '@agentry/testing';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { LoggingConfig } from '../config/index.js';
import {
  installLogging,
  type InstallLoggingOptions,
  type LoggingInstallation,
} from './install-logging.js';

type Line = Record<string, unknown>;

/** A real writable stream that keeps what pino writes, line by line. */
function collector() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      raw.push(String(chunk));
      callback();
    },
  });
  const text = () => raw.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line.length > 0);
  return { stream, text, lines, json: () => lines().map((line) => JSON.parse(line) as Line) };
}

const logging = (overrides: Partial<LoggingConfig> = {}): LoggingConfig => ({
  level: 'debug',
  format: 'json',
  structured: true,
  compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 },
  ...overrides,
});

const lookup = defineTool({
  name: 'lookup_order',
  description: 'Looks an order up.',
  input: z.object({ orderId: z.string(), apiKey: z.string(), note: z.string() }),
  execute: ({ orderId }) => ({ orderId, total: 120 }),
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

interface Setup {
  config?: LoggingConfig;
  options?: InstallLoggingOptions;
  masker?: Masker;
  respond?: (request: ModelRequest, call: number) => MockTurn;
}

async function setup({ config = logging(), options, masker, respond }: Setup = {}) {
  const model = createMockModel({
    modelId: 'gpt-4o',
    respond: respond ?? (() => mockText('done')),
  });
  let installation: LoggingInstallation | undefined;
  const plugins: AgentryPlugin[] = [
    { name: 'mock-openai', version: '1.0.0', providers: [createMockProvider({ model })] },
    definePlugin({
      name: 'test-logging',
      version: '1.0.0',
      async setup(host) {
        installation = await installLogging(host, config, options);
      },
    }),
  ];
  // Installed after logging, as security would be: the masker is looked up per line.
  if (masker) {
    plugins.push(
      definePlugin({
        name: 'test-masker',
        version: '1.0.0',
        setup: (host) => host.provide(services.masker, masker),
      }),
    );
  }
  const agentry: Agentry = await createAgentry({
    config: providerConfiguration({
      type: 'openai',
      model: 'gpt-4o',
      authentication: { type: 'api_key', configuration: { apiKey: '${env:MOCK_KEY}' } },
    }),
    env: { MOCK_KEY: ['mock', 'k'.repeat(16)].join('-') },
    plugins,
    resilience: {
      retry: { maxAttempts: 2, baseDelay: 1, maxDelay: 1, jitter: false, strategy: 'fixed' },
    },
  });
  open.push({ close: () => agentry.shutdown() });
  if (installation === undefined) throw new Error('installLogging did not run');
  return { agentry, installation };
}

/** A tool call whose arguments hold a provider key, a bearer token and a password-named field. */
function secretCall() {
  const key = ['sk', 'ant', randomUUID()].join('-');
  const token = randomUUID().replaceAll('-', '');
  const respond = (request: ModelRequest): MockTurn =>
    request.messages.some((message) => message.role === 'tool')
      ? mockText('done')
      : mockToolCall('lookup_order', { orderId: 'o-1', apiKey: key, note: `Bearer ${token}` });
  return { key, token, respond };
}

describe('installLogging', () => {
  it('writes pino JSON lines for an agent run, each carrying its agent, run and step', async () => {
    const out = collector();
    const { key, respond } = secretCall();
    const { agentry } = await setup({ options: { destination: out.stream }, respond });
    const agent = agentry.createAgent({ tools: [lookup] });
    await agent.send('Where is order o-1?');

    const lines = out.json();
    const byMessage = (msg: string) => lines.filter((line) => line.msg === msg);
    const [started] = byMessage('agent run started');
    expect(started).toMatchObject({ level: 30, agentId: agent.id, runId: expect.any(String) });
    expect(typeof started?.time).toBe('number');
    const runId = started?.runId;
    expect(byMessage('agent run ended')).toEqual([
      expect.objectContaining({ level: 30, agentId: agent.id, runId, stepCount: 2 }),
    ]);
    expect(byMessage('tool call')).toEqual([
      expect.objectContaining({
        level: 20,
        agentId: agent.id,
        runId,
        step: 1,
        toolName: 'lookup_order',
        arguments: expect.objectContaining({ orderId: 'o-1' }),
      }),
    ]);
    expect(byMessage('tool response')).toEqual([
      expect.objectContaining({ level: 20, runId, step: 1, isError: false }),
    ]);
    expect(byMessage('model request').map((line) => line.step)).toEqual([1, 2]);
    expect(out.text()).not.toContain(key);
  });

  it('filters by level: at info, no debug line is written', async () => {
    const out = collector();
    const { respond } = secretCall();
    const { agentry } = await setup({
      config: logging({ level: 'info' }),
      options: { destination: out.stream },
      respond,
    });
    await agentry.createAgent({ tools: [lookup] }).send('Where is order o-1?');
    const lines = out.json();
    expect(lines.map((line) => line.msg)).toEqual(['agent run started', 'agent run ended']);
  });

  it('logs a failed model call and its retry with the error code', async () => {
    const out = collector();
    const { agentry } = await setup({
      options: { destination: out.stream },
      respond: (_request, call) =>
        call === 0 ? { error: mockError('provider_unavailable', 'Overloaded.') } : mockText('done'),
    });
    await agentry.createAgent().send('hi');
    const lines = out.json();
    expect(lines.find((line) => line.msg === 'model call failed')).toMatchObject({
      level: 40,
      model: 'openai:gpt-4o',
      attempt: 1,
      willRetry: true,
      error: { code: 'provider_unavailable', message: 'Overloaded.' },
    });
    expect(lines.find((line) => line.msg === 'model call retried')).toMatchObject({
      level: 30,
      attempt: 2,
    });
  });

  describe('masking', () => {
    it('never writes a key, a bearer token or a credential-named field of a tool argument, without a masker', async () => {
      const out = collector();
      const { key, token, respond } = secretCall();
      const { agentry } = await setup({ options: { destination: out.stream }, respond });
      await agentry.createAgent({ tools: [lookup] }).send('Where is order o-1?');
      const text = out.text();
      expect(text).toContain('lookup_order');
      expect(text).not.toContain(key);
      expect(text).not.toContain(token);
      const call = out.json().find((line) => line.msg === 'tool call');
      expect(call?.arguments).toEqual({
        orderId: 'o-1',
        apiKey: `****${key.slice(-4)}`,
        note: `Bearer ****${token.slice(-4)}`,
      });
    });

    it('passes every line through the installed masker, and still masks keys the masker lets through', async () => {
      const out = collector();
      const { key, respond } = secretCall();
      const email = `${randomUUID()}@example.com`;
      const seen: string[] = [];
      const masker: Masker = {
        mask: <T>(value: T, context: { purpose: string }): T => {
          seen.push(context.purpose);
          return JSON.parse(JSON.stringify(value).replaceAll(email, '[email]')) as T;
        },
      };
      const { agentry, installation } = await setup({
        options: { destination: out.stream },
        masker,
        respond,
      });
      await agentry.createAgent({ tools: [lookup] }).send('Where is order o-1?');
      installation.logger.child({ customer: email }).info({ contact: email }, `mail ${email}`);

      const text = out.text();
      expect(text).not.toContain(email);
      expect(text).not.toContain(key);
      expect(out.json().at(-1)).toMatchObject({
        customer: '[email]',
        contact: '[email]',
        msg: 'mail [email]',
      });
      expect(seen.length).toBe(out.lines().length);
      expect(new Set(seen)).toEqual(new Set(['log']));
    });

    it('withholds a line the masker throws on, writes an error line instead and counts it', async () => {
      const out = collector();
      const secret = randomUUID();
      const masker: Masker = {
        mask: <T>(value: T): T => {
          if (JSON.stringify(value).includes(secret)) throw new Error('detector crashed');
          return value;
        },
      };
      const { installation } = await setup({ options: { destination: out.stream }, masker });
      installation.logger.info({ ssn: secret }, 'customer record');
      expect(out.text()).not.toContain(secret);
      expect(out.json().at(-1)).toMatchObject({
        level: 50,
        msg: 'A log line was withheld: the masker threw (detector crashed).',
        withheldLevel: 'info',
      });
      expect(installation.withheldLines()).toBe(1);
    });
  });

  describe('formats', () => {
    it('writes human-readable text lines with the fields after the message', async () => {
      const out = collector();
      const { agentry } = await setup({
        config: logging({ format: 'text', level: 'info' }),
        options: { destination: out.stream },
      });
      const agent = agentry.createAgent();
      await agent.send('hi');
      const [started, ended] = out.lines();
      expect(started).toMatch(
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z INFO  agent run started .*agentId=${agent.id} runId=\\S+`,
        ),
      );
      expect(ended).toMatch(/ INFO {2}agent run ended .*stepCount=1/);
      expect(out.text()).not.toContain('{"level"');
    });

    it('writes the message alone when structured is false', async () => {
      const out = collector();
      const { agentry } = await setup({
        config: logging({ structured: false, level: 'info' }),
        options: { destination: out.stream },
      });
      await agentry.createAgent().send('hi');
      const lines = out.json();
      expect(lines.length).toBe(2);
      for (const line of lines) expect(Object.keys(line).sort()).toEqual(['level', 'msg', 'time']);
    });
  });

  it('logs workflow run and step events with the workflow, run and step ids', async () => {
    const out = collector();
    const { agentry } = await setup({ options: { destination: out.stream } });
    const runEvents = new Subject<WorkflowRunEvent>();
    agentry.attachRunEvents(runEvents);
    const event = (type: string, stepId?: string): WorkflowRunEvent => ({
      type,
      runId: 'run-1',
      workflowId: 'order-review',
      at: Date.now(),
      ...(stepId ? { stepId } : {}),
    });
    runEvents.next(event('run-start'));
    runEvents.next(event('step-retry', 'charge'));
    runEvents.next({
      ...event('step-error', 'charge'),
      error: { code: 'timeout', message: 'Too slow.' },
    } as WorkflowRunEvent);
    runEvents.next(event('run-end'));
    expect(
      out.json().map(({ level, msg, workflowId, runId, stepId, error }) => ({
        level,
        msg,
        workflowId,
        runId,
        stepId,
        error,
      })),
    ).toEqual([
      {
        level: 30,
        msg: 'workflow run started',
        workflowId: 'order-review',
        runId: 'run-1',
        stepId: undefined,
        error: undefined,
      },
      {
        level: 40,
        msg: 'workflow step retried',
        workflowId: 'order-review',
        runId: 'run-1',
        stepId: 'charge',
        error: undefined,
      },
      {
        level: 50,
        msg: 'workflow step failed',
        workflowId: 'order-review',
        runId: 'run-1',
        stepId: 'charge',
        error: { code: 'timeout', message: 'Too slow.' },
      },
      {
        level: 30,
        msg: 'workflow run ended',
        workflowId: 'order-review',
        runId: 'run-1',
        stepId: undefined,
        error: undefined,
      },
    ]);
  });

  it('appends to a file path, creating its directory, and closes it at shutdown', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'agentry-logging-'));
    open.push({ close: () => rm(directory, { recursive: true, force: true }) });
    const file = join(directory, 'logs', 'agentry.log');
    const { agentry, installation } = await setup({ options: { destination: file } });
    installation.logger.warn({ orderId: 'o-1' }, 'order held');
    await agentry.shutdown();
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, orderId: 'o-1', msg: 'order held' }),
    ]);
  });

  it('writes a line logged after shutdown to standard error instead of the closed file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'agentry-logging-'));
    open.push({ close: () => rm(directory, { recursive: true, force: true }) });
    const file = join(directory, 'agentry.log');
    const { agentry, installation } = await setup({ options: { destination: file } });
    await agentry.shutdown();
    const written: string[] = [];
    const spy = vi.spyOn(fs, 'writeSync').mockImplementation((fd, data) => {
      if (fd === 2) written.push(String(data));
      return String(data).length;
    });
    try {
      expect(() => installation.logger.error({ orderId: 'o-2' }, 'late failure')).not.toThrow();
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toContain('"msg":"late failure"');
    expect(await readFile(file, 'utf8')).toBe('');
  });

  it('refuses a destination that is neither a stream nor a path, naming it', async () => {
    await expect(
      setup({ options: { destination: { notAStream: true } as unknown as NodeJS.WritableStream } }),
    ).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      cause: expect.objectContaining({
        code: 'config_invalid',
        details: { path: 'destination', received: 'object' },
      }),
    });
  });

  it('fails set-up when the log file cannot be opened, naming the path', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'agentry-logging-'));
    open.push({ close: () => rm(directory, { recursive: true, force: true }) });
    // A directory where the file should be.
    await expect(setup({ options: { destination: directory } })).rejects.toMatchObject({
      code: 'plugin_setup_failed',
      cause: expect.objectContaining({
        code: 'config_invalid',
        message: expect.stringContaining(`The log file ${directory} cannot be opened for writing`),
      }),
    });
  });

  it('refuses a section that is not valid, naming each path', async () => {
    await expect(
      setup({ config: { ...logging(), level: 'verbose' } as unknown as LoggingConfig }),
    ).rejects.toMatchObject({
      cause: expect.objectContaining({
        code: 'config_invalid',
        message: expect.stringContaining('monitoring.logging.level'),
      }),
    });
  });
});
