import { readFileSync } from 'node:fs';
import { describePluginConformance } from '@agentry/testing/vitest';
import { describe, expect, it } from 'vitest';
import { trivialWorkflow } from './definitions/__fixtures__/order-workflow.js';
import { VERSION, workflows, workflowsConfigSchema } from './index.js';

const trivial = trivialWorkflow();

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};

// Released in one version group with core: it needs core's same minor at run time.
describePluginConformance({
  create: workflows,
  packageJson,
  requires: { '@agentry/core': `^${packageJson.version}` },
  compliantSection: () => ({ workflows: { [trivial.id]: trivial } }),
});

describe('workflows', () => {
  it('exports its version and keeps the peer range open across 0.x', () => {
    expect(VERSION).toBe(packageJson.version);
    expect(packageJson.peerDependencies['@agentry/core']).toBe('>=0.1.0 <1.0.0');
  });

  it('owns the workflows section with its schema', () => {
    const plugin = workflows();
    expect(plugin.config?.key).toBe('workflows');
    expect(plugin.config?.schema).toBe(workflowsConfigSchema);
  });
});
