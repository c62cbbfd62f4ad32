import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakeProvider } from '../../test/scripted-model.js';
import { AgentryError, createPluginRegistry, definePlugin, VERSION } from '../index.js';

const plugin = (name: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}) =>
  definePlugin({ name, version: '1.2.3', ...extra });

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return AgentryError.isInstance(error) ? error.code : 'not-an-agentry-error';
  }
  return undefined;
}

describe('createPluginRegistry', () => {
  it('lists core and the installed plug-ins in order', () => {
    const registry = createPluginRegistry([
      plugin('a', { config: { key: 'a', schema: z.strictObject({}) } }),
      plugin('b', {
        providers: [fakeProvider('google')],
        compliance: { controls: { 'soc2.audit-trail': () => [] } },
      }),
    ]);
    expect(registry.list()).toEqual([
      {
        name: '@agentry/core',
        version: VERSION,
        requires: {},
        configKey: undefined,
        providers: [],
        controls: ['soc2.api-key-rotation', 'soc2.no-inline-secrets'],
      },
      { name: 'a', version: '1.2.3', requires: {}, configKey: 'a', providers: [], controls: [] },
      {
        name: 'b',
        version: '1.2.3',
        requires: {},
        configKey: undefined,
        providers: ['google'],
        controls: ['soc2.audit-trail'],
      },
    ]);
    expect(registry.forSection('a')?.name).toBe('a');
    expect(registry.provider('google')).toBeDefined();
    expect(registry.provider('openai')).toBeUndefined();
  });

  it('refuses a plug-in installed twice', () => {
    expect(codeOf(() => createPluginRegistry([plugin('a'), plugin('a')]))).toBe('plugin_duplicate');
  });

  it('refuses two plug-ins claiming one section or one provider type', () => {
    const section = { key: 'shared', schema: z.strictObject({}) };
    expect(
      codeOf(() =>
        createPluginRegistry([plugin('a', { config: section }), plugin('b', { config: section })]),
      ),
    ).toBe('plugin_duplicate');
    const provider = [fakeProvider('openai')];
    expect(
      codeOf(() =>
        createPluginRegistry([
          plugin('a', { providers: provider }),
          plugin('b', { providers: provider }),
        ]),
      ),
    ).toBe('plugin_duplicate');
  });

  it('serves a third-party provider type beside a built-in one, and refuses it claimed twice', () => {
    const registry = createPluginRegistry([
      plugin('openai-plugin', { providers: [fakeProvider('openai')] }),
      plugin('acme-plugin', { providers: [fakeProvider('acme')] }),
    ]);
    expect(registry.provider('acme')?.type).toBe('acme');
    expect(registry.list().flatMap((entry) => entry.providers)).toEqual(['openai', 'acme']);
    try {
      createPluginRegistry([
        plugin('acme-plugin', { providers: [fakeProvider('acme')] }),
        plugin('acme-fork', { providers: [fakeProvider('acme')] }),
      ]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'plugin_duplicate',
        message: 'Both acme-plugin and acme-fork claim the provider type "acme".',
      });
    }
  });

  it('refuses a provider type that is not a well-formed name', () => {
    for (const type of ['Acme', 'acme cloud', 'acme:x', '', 42]) {
      try {
        createPluginRegistry([plugin('bad', { providers: [fakeProvider(type as string)] })]);
        expect.unreachable();
      } catch (error) {
        expect(error).toMatchObject({
          code: 'validation_failed',
          details: { plugin: 'bad', type: String(type) },
        });
        expect((error as AgentryError).message).toContain('is not a valid provider type');
      }
    }
  });

  it('refuses a plug-in built for another core, naming the range and the fix', () => {
    try {
      createPluginRegistry([plugin('old', { requires: { '@agentry/core': '^0.0.1' } })], '0.1.0');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'plugin_incompatible',
        details: { range: '^0.0.1', installed: '0.1.0' },
      });
      expect((error as AgentryError).suggestions[0]).toContain('old');
    }
    expect(
      codeOf(() =>
        createPluginRegistry(
          [plugin('new', { requires: { '@agentry/core': '>=0.1.0 <0.2.0' } })],
          '0.1.5',
        ),
      ),
    ).toBeUndefined();
  });

  it('checks ranges on other plug-ins and reports a missing one', () => {
    expect(
      codeOf(() => createPluginRegistry([plugin('needs-b', { requires: { b: '^1.0.0' } })])),
    ).toBe('plugin_missing');
    expect(
      codeOf(() =>
        createPluginRegistry([plugin('needs-b', { requires: { b: '^2.0.0' } }), plugin('b')]),
      ),
    ).toBe('plugin_incompatible');
    expect(
      codeOf(() =>
        createPluginRegistry([plugin('needs-b', { requires: { b: '^1.0.0' } }), plugin('b')]),
      ),
    ).toBeUndefined();
  });

  it('refuses malformed plug-ins', () => {
    expect(codeOf(() => createPluginRegistry([{ name: 'x', version: 'latest' }]))).toBe(
      'validation_failed',
    );
    expect(codeOf(() => createPluginRegistry([(() => plugin('x')) as never]))).toBe(
      'validation_failed',
    );
    expect(
      codeOf(() =>
        createPluginRegistry([plugin('x', { requires: { '@agentry/core': 'not a range' } })]),
      ),
    ).toBe('validation_failed');
  });

  it('reports every problem at once', () => {
    try {
      createPluginRegistry([
        plugin('a'),
        plugin('a'),
        plugin('c', { requires: { '@agentry/core': '^9.0.0' } }),
      ]);
      expect.unreachable();
    } catch (error) {
      const problems = (error as AgentryError).details.problems as { code: string }[];
      expect(problems.map((problem) => problem.code)).toEqual([
        'plugin_duplicate',
        'plugin_incompatible',
      ]);
    }
  });
});
