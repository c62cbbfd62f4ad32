import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describePluginConformance, describeProviderConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { acmeProvider, createAcmeProvider, type AcmeProvider } from './index.js';
import { readAcmeRequest, serveAcme } from './serve-acme.js';

const providers: AcmeProvider[] = [];

afterAll(async () => {
  await Promise.all(providers.map((provider) => provider.close()));
});

// The kit's checks, answered in Acme's own protocol by serveAcme: no translation layer.
describeProviderConformance({
  name: 'createAcmeProvider',
  modelId: 'acme-large',
  serve: serveAcme,
  readRequest: readAcmeRequest,
  capabilities: { reasoning: true },
  createModel({ baseURL, apiKey, modelId }) {
    const provider = createAcmeProvider({ endpoint: baseURL, apiKey });
    providers.push(provider);
    return provider.createModel(modelId);
  },
});

describePluginConformance({
  // A key made at run time, so that no fixture holds anything that looks like a secret.
  create: () => acmeProvider({ apiKey: `acme-${randomBytes(16).toString('hex')}` }),
  packageJson: JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  },
  requires: { '@agentry/core': '^0.1.0' },
});
