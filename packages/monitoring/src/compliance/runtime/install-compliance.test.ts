import {
  AgentryError,
  createMemoryStore,
  type PurgeReport,
  type ServiceKey,
  services,
} from '@agentry/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordingLogger } from '../../__fixtures__/recording-logger.js';
import type { ComplianceConfig } from '../../config/index.js';
import type { ComplianceHost } from '../../logging/core-interfaces.js';
import { installCompliance, type InstallComplianceOptions } from './install-compliance.js';

const dayMs = 86_400_000;
const start = new Date('2026-12-07T09:00:00.000Z');

/** A plug-in host with a fake `purgeExpired` whose report names records by key. */
function fakeHost(
  purge: (before: Date) => Promise<PurgeReport> = (before) => Promise.resolve(reportFor(before)),
) {
  const provided = new Map<string, unknown>();
  const shutdownHooks: (() => void | Promise<void>)[] = [];
  const purgeExpired = vi.fn(({ before }: { before: Date }) => purge(before));
  const host: ComplianceHost = {
    provide: <T>(key: ServiceKey<T>, service: T) => void provided.set(key.id, service),
    lookup: <T>(key: ServiceKey<T>) => provided.get(key.id) as T | undefined,
    onShutdown: (hook) => void shutdownHooks.push(hook),
    // As createAgentry does: ready hooks start once set-up is over (here, on the next timer tick).
    onReady: (hook) => void setTimeout(() => void hook(), 0),
    purgeExpired,
  };
  const shutdown = async () => {
    for (const hook of shutdownHooks.reverse()) await hook();
  };
  return { host, purgeExpired, shutdown };
}

const reportFor = (before: Date): PurgeReport => ({
  before: before.toISOString(),
  at: start.toISOString(),
  stores: [
    { store: 'agents', deleted: ['agent:user-42:state', 'agent:user-43:state'], anonymised: [] },
    { store: 'sqlite', deleted: ['workflow-run:run-7'], anonymised: [] },
  ],
});

const compliance = (overrides: Partial<ComplianceConfig> = {}): ComplianceConfig => ({
  soc2: true,
  gdpr: true,
  auditTrail: true,
  dataRetention: 30,
  ...overrides,
});

beforeEach(() => {
  vi.useFakeTimers({ now: start });
});
afterEach(() => {
  vi.useRealTimers();
});

function install(
  config = compliance(),
  options: Partial<InstallComplianceOptions> = {},
  host = fakeHost(),
) {
  const { logger, lines } = recordingLogger();
  const installation = installCompliance(host.host, config, {
    logger,
    auditTrail: { store: createMemoryStore() },
    retention: { intervalMs: 3_600_000 },
    ...options,
  });
  return { ...host, installation, lines };
}

describe('installCompliance', () => {
  it('provides its audit trail as the audit sink when auditTrail is true, and none when false', () => {
    const on = install();
    expect(on.host.lookup(services.auditSink)).toBe(on.installation.auditTrail);
    const off = install(compliance({ auditTrail: false }));
    expect(off.installation.auditTrail).toBeUndefined();
    expect(off.host.lookup(services.auditSink)).toBeUndefined();
  });

  it('keeps and logs each erasure report core appends to the audit sink (GDPR), counts only', async () => {
    const { host, lines } = install(compliance({ gdpr: true }), { retention: false });
    const sink = host.lookup(services.auditSink);
    await sink?.append({
      at: start.toISOString(),
      category: 'data',
      action: 'data.erase',
      subject: 'user-42',
      details: { stores: [{ store: 'agents', deleted: 3, anonymised: 1 }] },
    });
    expect(lines.at(-1)).toMatchObject({
      level: 'info',
      msg: 'audit entry recorded',
      fields: {
        audit: {
          category: 'data',
          action: 'data.erase',
          details: { stores: [{ store: 'agents', deleted: 3, anonymised: 1 }] },
        },
      },
    });
  });

  describe('retention', () => {
    it('purges at start and then on every interval, with the limit dataRetention days back', async () => {
      const { purgeExpired, installation } = install();
      expect(purgeExpired).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(0);
      expect(purgeExpired).toHaveBeenCalledTimes(1);
      expect(purgeExpired.mock.calls[0]?.[0].before).toEqual(
        new Date(start.getTime() - 30 * dayMs),
      );
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(purgeExpired).toHaveBeenCalledTimes(2);
      expect(purgeExpired.mock.calls[1]?.[0].before).toEqual(
        new Date(start.getTime() + 3_600_000 - 30 * dayMs),
      );
      await installation.stop();
    });

    it('logs and audits what was removed as counts per store, never the records or their keys', async () => {
      const { installation, lines } = install(compliance(), { retention: { runAtStart: false } });
      const run = await installation.purgeNow();
      const before = new Date(start.getTime() - 30 * dayMs);
      const stores = [
        { store: 'agents', removed: 2, failed: 0 },
        { store: 'sqlite', removed: 1, failed: 0 },
      ];
      expect(run).toEqual({ before, stores, removed: 3, notRemoved: 0 });
      const audited = await installation.auditTrail?.readAuditTrail();
      expect(audited).toEqual([
        {
          at: start.toISOString(),
          category: 'data',
          action: 'retention.purge',
          actor: '@agentry/monitoring',
          details: {
            before: before.toISOString(),
            retentionDays: 30,
            stores,
            removed: 3,
            notRemoved: 0,
          },
        },
      ]);
      expect(lines.find((line) => line.msg === 'retention purge completed')?.fields).toEqual({
        before: before.toISOString(),
        stores,
        removed: 3,
        notRemoved: 0,
      });
      const everything = JSON.stringify({ run, audited, lines });
      for (const key of ['user-42', 'user-43', 'run-7']) expect(everything).not.toContain(key);
    });

    it('warns when records were left: a store that failed, a record that could not be removed or read', async () => {
      const error = new AgentryError({ code: 'network', message: 'connection reset' }).toJSON();
      const host = fakeHost((before) =>
        Promise.resolve({
          before: before.toISOString(),
          at: start.toISOString(),
          stores: [
            {
              store: 'agents',
              deleted: ['agent:a-1'],
              anonymised: [],
              failed: [{ key: 'agent:user-42', error }],
            },
            { store: 'redis', deleted: [], anonymised: [], error },
          ],
          unreadable: [{ store: 'agents', key: 'agent:user-43', error }],
        }),
      );
      const { installation, lines } = install(
        compliance(),
        { retention: { runAtStart: false } },
        host,
      );
      const run = await installation.purgeNow();
      expect(run).toMatchObject({
        stores: [
          { store: 'agents', removed: 1, failed: 1 },
          { store: 'redis', removed: 0, failed: 0, error: 'network' },
        ],
        removed: 1,
        notRemoved: 2,
      });
      expect(
        lines.find((line) => line.msg === 'retention purge completed with records left'),
      ).toMatchObject({
        level: 'warn',
        fields: { removed: 1, notRemoved: 2 },
      });
      expect(JSON.stringify(lines)).not.toContain('user-4');
    });

    it('calls onPurge with the same limit, so kept metrics older than it are dropped', async () => {
      const onPurge = vi.fn();
      const { installation, purgeExpired } = install(compliance(), {
        retention: { runAtStart: false, onPurge },
      });
      await installation.purgeNow();
      expect(onPurge).toHaveBeenCalledWith(purgeExpired.mock.calls[0]?.[0].before);
    });

    it('logs, audits and counts a failed purge, and purges again at the next interval', async () => {
      let fail = true;
      const host = fakeHost((before) =>
        fail ? Promise.reject(new Error('store offline')) : Promise.resolve(reportFor(before)),
      );
      const { installation, lines, purgeExpired } = install(compliance(), {}, host);
      await vi.advanceTimersByTimeAsync(0);
      expect(installation.failedPurges()).toBe(1);
      expect(lines.find((line) => line.msg === 'retention purge failed')).toMatchObject({
        level: 'error',
        fields: { failedPurges: 1, error: { message: 'store offline' } },
      });
      fail = false;
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(purgeExpired).toHaveBeenCalledTimes(2);
      expect(
        (await installation.auditTrail?.readAuditTrail())?.map((entry) => entry.action),
      ).toEqual(['retention.purge-failed', 'retention.purge']);
      await expect(((fail = true), installation.purgeNow())).rejects.toThrow('store offline');
      expect(installation.failedPurges()).toBe(2);
      await installation.stop();
    });

    it('joins a purge under way rather than starting a second one', async () => {
      let release: (report: PurgeReport) => void = () => undefined;
      const host = fakeHost(() => new Promise((resolve) => (release = resolve)));
      const { installation, purgeExpired } = install(
        compliance(),
        { retention: { runAtStart: false } },
        host,
      );
      const first = installation.purgeNow();
      const second = installation.purgeNow();
      release(reportFor(start));
      expect(await second).toBe(await first);
      expect(purgeExpired).toHaveBeenCalledTimes(1);
    });

    it('stops at shutdown: no purge runs after it, and purgeNow says why', async () => {
      const { purgeExpired, shutdown, installation } = install();
      await shutdown();
      await vi.advanceTimersByTimeAsync(10 * 3_600_000);
      expect(purgeExpired).not.toHaveBeenCalled();
      await expect(installation.purgeNow()).rejects.toMatchObject({ code: 'invalid_transition' });
    });

    it('can be switched off', async () => {
      const { purgeExpired, installation } = install(compliance(), { retention: false });
      await vi.advanceTimersByTimeAsync(dayMs);
      expect(purgeExpired).not.toHaveBeenCalled();
      await expect(installation.purgeNow()).rejects.toMatchObject({
        code: 'invalid_transition',
        message: expect.stringContaining('switched off'),
      });
    });
  });

  describe('bad input', () => {
    it('refuses an audit trail switched on without a destination', () => {
      expect(() => install(compliance(), { auditTrail: undefined })).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          message: expect.stringContaining('auditTrail is true'),
        }),
      );
    });

    it('refuses a destination that is neither a file nor a store', () => {
      expect(() => install(compliance(), { auditTrail: { file: ' ' } })).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          details: { path: 'auditTrail', received: ['file'] },
        }),
      );
    });

    it('refuses an interval that is not a positive number, and a section that is not valid', () => {
      expect(() => install(compliance(), { retention: { intervalMs: 0 } })).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          details: expect.objectContaining({ path: 'retention.intervalMs', received: 0 }),
        }),
      );
      expect(() => install(compliance({ dataRetention: -1 }))).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          message: expect.stringContaining('monitoring.logging.compliance.dataRetention'),
        }),
      );
    });
  });
});
