/**
 * The quickstart demo: first the smallest configuration (`agentry.minimal.json`) with its defaults
 * shown resolved; then the full form (`agentry.config.json`), validated with the security and
 * monitoring plug-ins (SOC 2 and GDPR baselines switched on), printing what is installed and the
 * resolved configuration with secrets masked; then how a configuration with mistakes is reported.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  AgentryError,
  createAgentry,
  createMemoryStore,
  loadConfiguration,
  type ConfigurationIssue,
} from '@agentry/core';
import { monitoring } from '@agentry/monitoring';
import { createCheckpointSigner, memoryKeyProvider, security } from '@agentry/security';
import { showMinimalConfiguration } from './minimal.js';

const configFile = fileURLToPath(new URL('../agentry.config.json', import.meta.url));
const heading = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);

await showMinimalConfiguration(heading);

// The OAuth2 client secret and the alert webhook's signing secret come from the environment.
// Without one, this run makes a throwaway value, says so, and never prints it.
const env = { ...process.env };
for (const name of ['AGENTRY_OAUTH_CLIENT_SECRET', 'ALERT_WEBHOOK_SECRET']) {
  if (env[name]) continue;
  env[name] = randomBytes(24).toString('base64url');
  console.log(`${name} is not set: using a throwaway value made for this run.`);
}

// The file turns encryption at rest and audit logging on, so security() needs keys and an audit
// log. This demo stores nothing, so both are in memory; in production use fileKeyProvider (or your
// KMS) and durable stores: see docs/guides/data-protection.md.
const securityPlugin = () =>
  security({
    keys: { provider: memoryKeyProvider(), store: createMemoryStore() },
    audit: {
      store: createMemoryStore(),
      signer: createCheckpointSigner({
        name: 'quickstart.example/audit',
        privateKey: generateKeyPairSync('ed25519').privateKey,
      }),
    },
  });

heading(`The full form: ${configFile}`);
const config = await loadConfiguration(configFile);
const agentry = await createAgentry({ config, plugins: [securityPlugin(), monitoring()], env });

heading('Installed');
for (const plugin of agentry.registry.list()) {
  const owns = plugin.configKey ? `section "${plugin.configKey}"` : 'core sections';
  console.log(
    `  ${plugin.name}@${plugin.version}  ${owns}, ${plugin.controls.length} compliance controls`,
  );
}

heading('Compliance');
const frameworkNames = { soc2: 'SOC 2', gdpr: 'GDPR' } as const;
const frameworks = agentry.compliance.frameworks
  .map((framework) => frameworkNames[framework])
  .join(' and ');
const passed = agentry.compliance.controls.filter((control) => control.passed).length;
console.log(`  ${frameworks}: ${passed} of ${agentry.compliance.controls.length} controls pass`);

heading('Resolved configuration (secrets masked)');
console.log(JSON.stringify(agentry.describeConfiguration(), null, 2));
await agentry.shutdown();

heading('The same configuration with three mistakes');
const broken = structuredClone(config) as Record<string, any>;
const rateLimiting = broken.security.accessControl.rateLimiting;
rateLimiting.requestPerMinute = rateLimiting.requestsPerMinute; // a typo in a key
delete rateLimiting.requestsPerMinute;
rateLimiting.burstLimit = 0; // limits must be positive integers
broken.monitoring.logging.compliance.auditTrail = false; // SOC 2 needs the audit trail
try {
  await createAgentry({ config: broken, plugins: [securityPlugin(), monitoring()], env });
  console.error('The broken configuration was accepted; that is a bug.');
  process.exitCode = 1;
} catch (error) {
  if (!AgentryError.isInstance(error) || error.code !== 'config_invalid') throw error;
  console.log(error.message);
  const codes = (error.details.issues as ConfigurationIssue[]).map((issue) => issue.code);
  console.log(`\n  codes: ${codes.join(', ')}`);
}
