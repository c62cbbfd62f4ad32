import { fileURLToPath } from 'node:url';
import { createAgentry, loadConfiguration } from '@agentry/core';
import { monitoring } from '@agentry/monitoring';
import { describe, expect, it } from 'vitest';
import { securityPlugin } from './fixtures.js';

const file = fileURLToPath(
  new URL('../../examples/quickstart/agentry.config.json', import.meta.url),
);

describe('the quickstart configuration', () => {
  it('validates with SOC 2 and GDPR switched on and every control passing', async () => {
    const agentry = await createAgentry({
      config: await loadConfiguration(file),
      plugins: [securityPlugin(), monitoring()],
      env: {
        AGENTRY_OAUTH_CLIENT_SECRET: 'quickstart-secret-abcdef',
        ALERT_WEBHOOK_SECRET: 'quickstart-webhook-secret-abcdef',
      },
    });
    expect(agentry.compliance.frameworks.sort()).toEqual(['gdpr', 'soc2']);
    expect(agentry.compliance.controls.length).toBeGreaterThanOrEqual(15);
    expect(agentry.compliance.controls.every((control) => control.passed)).toBe(true);
    expect(JSON.stringify(agentry.describeConfiguration())).not.toContain(
      'quickstart-secret-abcdef',
    );
    expect(agentry.registry.list().map((plugin) => plugin.name)).toEqual([
      '@agentry/core',
      '@agentry/security',
      '@agentry/monitoring',
    ]);
    await agentry.shutdown();
  });
});

describe('PluginSections', () => {
  it('types each installed plug-in section on agentry.config', async () => {
    const agentry = await createAgentry({
      config: await loadConfiguration(file),
      plugins: [securityPlugin(), monitoring()],
      env: {
        AGENTRY_OAUTH_CLIENT_SECRET: 'quickstart-secret-abcdef',
        ALERT_WEBHOOK_SECRET: 'quickstart-webhook-secret-abcdef',
      },
    });
    // These lines type-check only because the plug-ins merge their sections into PluginSections.
    const atRest: boolean | undefined = agentry.config.security?.encryption.atRest;
    const soc2: boolean | undefined = agentry.config.monitoring?.logging.compliance.soc2;
    expect([atRest, soc2]).toEqual([true, true]);
    await agentry.shutdown();
  });
});
