import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'scripts', 'check-doc-examples.mjs');

const INTERFACE = 256;
const TYPE_ALIAS = 2097152;

interface Declared {
  name: string;
  kind: number;
  example?: string;
}

/** The part of `typedoc --json` output the script reads: one package module with its types. */
function project(pkg: string, declared: Declared[]) {
  return {
    kind: 1,
    name: 'Agentry API',
    children: [
      {
        kind: 2,
        name: pkg,
        children: declared.map(({ name, kind, example }) => ({
          kind,
          name,
          sources: [{ fileName: `src/${name}.ts` }],
          comment: {
            summary: [{ kind: 'text', text: `${name}.` }],
            blockTags:
              example === undefined
                ? []
                : [{ tag: '@example', content: [{ kind: 'code', text: example }] }],
          },
        })),
      },
    ],
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'doc-examples-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function check(
  json: unknown,
  allowlist: { obvious?: Record<string, string>; pending?: string[] },
  ...flags: string[]
) {
  writeFileSync(join(dir, 'api.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'allow.json'), JSON.stringify(allowlist));
  const result = spawnSync(
    process.execPath,
    [script, join(dir, 'api.json'), '--allowlist', join(dir, 'allow.json'), ...flags],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

const typed = '```ts\nimport type { AlertConfig } from "@agentry/monitoring";\n```';

describe('check-doc-examples', () => {
  it('does fail naming each public interface and type alias without an example', () => {
    const { status, out } = check(
      project('@agentry/demo', [
        { name: 'Documented', kind: INTERFACE, example: typed },
        { name: 'Bare', kind: INTERFACE },
        { name: 'BareAlias', kind: TYPE_ALIAS },
      ]),
      {},
    );
    expect(status).toBe(1);
    expect(out).toContain('interfaces: 1 of 2 have an example');
    expect(out).toContain('type aliases: 0 of 1 have an example');
    expect(out).toContain('@agentry/demo.Bare (interface, src/Bare.ts) has no @example.');
    expect(out).toContain('@agentry/demo.BareAlias (type, src/BareAlias.ts) has no @example.');
    expect(out).not.toContain('@agentry/demo.Documented (');
  });

  it('does pass when every type has an example or is listed as obvious or pending', () => {
    const { status, out } = check(
      project('@agentry/demo', [
        { name: 'Documented', kind: INTERFACE, example: typed },
        { name: 'Kind', kind: TYPE_ALIAS },
        { name: 'Later', kind: INTERFACE },
      ]),
      {
        obvious: { '@agentry/demo.Kind': 'a union of two literals' },
        pending: ['@agentry/demo.Later'],
      },
    );
    expect(out).toContain('type aliases: 0 of 1 have an example, 1 exempt as obvious');
    expect(out).toContain('pending (no example yet, listed in the script): 1');
    expect(status).toBe(0);
  });

  it('does fail when an allowlist entry is stale', () => {
    const { status, out } = check(
      project('@agentry/demo', [{ name: 'Done', kind: INTERFACE, example: typed }]),
      { obvious: { '@agentry/demo.Gone': 'removed since' }, pending: ['@agentry/demo.Done'] },
    );
    expect(status).toBe(1);
    expect(out).toContain('@agentry/demo.Done has an example now: remove it from pending.');
    expect(out).toContain('obvious lists @agentry/demo.Gone, which is not a public type any more');
  });

  it('does refuse to run without the JSON to read', () => {
    const result = spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('typedoc --json');
    const missing = spawnSync(process.execPath, [script, join(dir, 'nothing.json')], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`Cannot read ${join(dir, 'nothing.json')}`);
  });

  it(
    'does type-check complete examples against their package and name the type of one that fails',
    { timeout: 240_000 },
    () => {
      const good =
        "```ts\nimport type { AlertConfig } from '@agentry/monitoring';\n\n" +
        "const alert: AlertConfig = { type: 'error', threshold: 1, severity: 'low', channels: [{ type: 'webhook', configuration: { url: 'https://alerts.example.com/agentry', secret: '${env:ALERT_WEBHOOK_SECRET}' } }] };\n```";
      const bad =
        "```ts\nimport type { MetricsConfig } from '@agentry/monitoring';\n\n" +
        "const metrics: MetricsConfig = { enabled: 'yes', collectionInterval: 1, retentionPeriod: 1, exportFormats: [] };\n```";
      const fragment = '```ts\nmetricsConfigSchema.parse(anything);\n```';
      const { status, out } = check(
        project('@agentry/monitoring', [
          { name: 'AlertConfig', kind: TYPE_ALIAS, example: good },
          { name: 'MetricsConfig', kind: TYPE_ALIAS, example: bad },
          { name: 'LoggingConfig', kind: TYPE_ALIAS, example: fragment },
        ]),
        {},
        '--typecheck',
      );
      expect(out).toContain('type-checked 2 examples; 1 older examples are fragments');
      expect(out).toMatch(/example of @agentry\/monitoring\.MetricsConfig: .*error TS2322/);
      expect(out).not.toContain('example of @agentry/monitoring.AlertConfig');
      expect(status).toBe(1);
    },
  );
});
