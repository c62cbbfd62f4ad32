import { describe, expect, it, vi } from 'vitest';
import { testEnv, validConfig } from '../../test/fixtures.js';
import { fakeProvider } from '../../test/scripted-model.js';
import {
  createAgentry,
  createConsoleLogger,
  definePlugin,
  services,
  type Logger,
  type Masker,
  type PluginHost,
} from '../index.js';

/** A logger that records each call as `[level, bindings+fields, message]`. */
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

const provider = definePlugin({
  name: 'agentry-logger-provider',
  version: '1.0.0',
  providers: [fakeProvider('openai')],
});

describe('createConsoleLogger', () => {
  it('writes warn and error as one line each, and drops debug and info', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ write: (line) => lines.push(line) }).child({ run: 'r-1' });
    logger.debug('not written');
    logger.info({ a: 1 }, 'not written either');
    logger.warn({ attempt: 2 }, 'retrying\nsoon');
    logger.error('failed');
    expect(lines).toEqual([
      'WARN retrying soon {"run":"r-1","attempt":2}',
      'ERROR failed {"run":"r-1"}',
    ]);
  });

  it('masks credentials and writes what JSON cannot hold without throwing', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ write: (line) => lines.push(line) });
    const key = ['sk', 'test', 'a1b2c3d4e5f6g7h8i9'].join('-');
    const cycle: Record<string, unknown> = { size: 10n };
    cycle.self = cycle;
    logger.warn(
      { apiKey: key, note: `sent ${key}`, cycle, cause: new Error('boom') },
      'call failed',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(key);
    expect(lines[0]).toContain('"size":"10n"');
    expect(lines[0]).toContain('[circular]');
    expect(lines[0]).toContain('"message":"boom"');
  });

  it('passes each line, bindings included, through the masker given, and withholds what it throws on', () => {
    const lines: string[] = [];
    const email = ['ada', 'example.org'].join('@');
    let throws = false;
    const masker: Masker = {
      mask: <T>(value: T): T => {
        if (throws) throw new Error(`cannot mask ${email}`);
        return JSON.parse(JSON.stringify(value).split(email).join('[EMAIL]')) as T;
      },
    };
    const logger = createConsoleLogger({ write: (line) => lines.push(line), masker: () => masker });
    logger.child({ user: email }).warn({ to: email }, `mail to ${email} bounced`);
    throws = true;
    logger.error(`again ${email}`);
    expect(lines).toEqual([
      'WARN mail to [EMAIL] bounced {"user":"[EMAIL]","to":"[EMAIL]"}',
      'ERROR A log line was withheld: the masker threw.',
    ]);
  });
});

describe('an instance’s default logger', () => {
  it('masks with the instance’s masker when no plug-in provides a logger', async () => {
    const email = ['grace', 'example.net'].join('@');
    const masker: Masker = {
      mask: <T>(value: T): T => JSON.parse(JSON.stringify(value).split(email).join('[EMAIL]')) as T,
    };
    const written: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      written.push(String(line));
    });
    try {
      let host: PluginHost | undefined;
      const agentry = await createAgentry({
        config: validConfig(),
        env: testEnv(),
        plugins: [
          provider,
          definePlugin({
            name: 'masking',
            version: '1.0.0',
            setup: (given) => {
              host = given;
              given.provide(services.masker, masker);
            },
          }),
        ],
      });
      host!.logger.warn({ to: email }, `bounced ${email}`);
      await agentry.shutdown();
    } finally {
      spy.mockRestore();
    }
    const line = written.find((text) => text.includes('bounced'));
    expect(line).toContain('[EMAIL]');
    expect(line).not.toContain(email);
  });
});

describe('host.logger', () => {
  it('writes to the logger a later plug-in provides, bound to the plug-in’s name', async () => {
    const lines: [string, Record<string, unknown>, string | undefined][] = [];
    let early: PluginHost | undefined;
    const agentry = await createAgentry({
      config: validConfig(),
      env: testEnv(),
      plugins: [
        provider,
        definePlugin({ name: 'early', version: '1.0.0', setup: (host) => void (early = host) }),
        definePlugin({
          name: 'logs',
          version: '1.0.0',
          setup: (host) => host.provide(services.logger, recordingLogger(lines)),
        }),
      ],
    });
    early?.logger.child({ step: 's1' }).info({ n: 1 }, 'hello');
    agentry.logger.warn('from the app');
    expect(lines).toEqual([
      ['info', { plugin: 'early', step: 's1', n: 1 }, 'hello'],
      ['warn', {}, 'from the app'],
    ]);
    await agentry.shutdown();
  });

  it('falls back to core’s default while no plug-in provides a logger', async () => {
    const agentry = await createAgentry({
      config: validConfig(),
      env: testEnv(),
      plugins: [provider],
    });
    expect(() => agentry.logger.debug('dropped')).not.toThrow();
    await agentry.shutdown();
  });
});
