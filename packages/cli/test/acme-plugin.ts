import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The source of `acme-agentry`, a third-party plug-in package as its author would publish it: a
 * configuration section `acme` and a provider type of its own, `acme`, whose entries without a key
 * read `ACME_API_KEY`. Validation never creates a model, so `createModel` only says so.
 */
const acmePluginSource = `import { z } from 'zod';

const models = [
  {
    name: 'acme-large',
    capabilities: {
      maxTokens: 32000,
      supportsStreaming: true,
      supportsFunctions: true,
      supportsVision: false,
      maxConcurrency: 4,
    },
  },
];

export const acmePlugin = () => ({
  name: 'acme-agentry',
  version: '2.1.0',
  config: { key: 'acme', schema: z.strictObject({ region: z.enum(['eu', 'us']) }) },
  providers: [
    {
      specificationVersion: 'v1',
      type: 'acme',
      models: () => models,
      apiKeyEnvironmentVariables: ['ACME_API_KEY'],
      validateApiKey: (key) =>
        key.startsWith('acme-') ? undefined : 'An Acme API key starts with "acme-".',
      createModel: (modelId) => {
        throw new Error('acme-agentry creates no model here (' + modelId + ').');
      },
    },
  ],
});
`;

/** A minimal configuration on the `acme` provider type, with the plug-in's section. */
export function acmeConfiguration(region = 'eu'): Record<string, unknown> {
  return {
    schemaVersion: '1.0.0',
    authentication: { providers: [{ name: 'acme', type: 'acme' }] },
    models: { defaultModel: 'acme:acme-large' },
    acme: { region },
  };
}

/**
 * Writes a project into `directory`: `acme-agentry` installed in `node_modules` and declared as a
 * dependency (unless `declared` is false), found through `"agentry": { "plugin": "acmePlugin" }`
 * in its `package.json`, and `agentry.config.json` holding `config`.
 */
export async function writeAcmeProject(
  directory: string,
  config: Record<string, unknown>,
  { declared = true }: { declared?: boolean } = {},
): Promise<void> {
  const pluginDirectory = join(directory, 'node_modules', 'acme-agentry');
  await mkdir(pluginDirectory, { recursive: true });
  await writeFile(
    join(pluginDirectory, 'package.json'),
    JSON.stringify({
      name: 'acme-agentry',
      version: '2.1.0',
      type: 'module',
      main: 'index.js',
      agentry: { plugin: 'acmePlugin' },
    }),
  );
  await writeFile(join(pluginDirectory, 'index.js'), acmePluginSource);
  await writeFile(
    join(directory, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      dependencies: declared ? { 'acme-agentry': '^2.1.0' } : {},
    }),
  );
  await writeFile(join(directory, 'agentry.config.json'), JSON.stringify(config));
}
