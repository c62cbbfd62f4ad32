/**
 * The smallest configuration (`agentry.minimal.json`): one OpenAI provider whose key comes from
 * `OPENAI_API_KEY`, and a default model. Everything else takes its documented default, which
 * `describeConfiguration()` shows resolved.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createAgentry, loadConfiguration } from '@agentry/core';
import { openaiPlugin } from '@agentry/openai';

const minimalFile = fileURLToPath(new URL('../agentry.minimal.json', import.meta.url));

/**
 * Loads and validates the minimal configuration with the OpenAI plug-in, then prints it with its
 * defaults filled in and the key masked. Nothing is sent to OpenAI.
 *
 * @param heading - prints a section heading
 * @example
 * ```ts
 * await showMinimalConfiguration((text) => console.log(text));
 * ```
 */
export async function showMinimalConfiguration(heading: (text: string) => void): Promise<void> {
  // The provider entry names no key, so OPENAI_API_KEY is read. Without one, this run makes a
  // throwaway value of OpenAI's key format, says so, and never prints it.
  const env = { ...process.env };
  if (!env.OPENAI_API_KEY) {
    env.OPENAI_API_KEY = `sk-proj-${randomBytes(48).toString('base64url')}`;
    console.log('OPENAI_API_KEY is not set: using a throwaway value made for this run.');
  }

  heading(`The smallest configuration: ${minimalFile}`);
  const agentry = await createAgentry({
    config: await loadConfiguration(minimalFile),
    plugins: [openaiPlugin()],
    env,
  });
  const described = agentry.describeConfiguration();
  const { availableModels, ...models } = described.models;
  const registered = Object.keys(availableModels);
  console.log(
    JSON.stringify(
      {
        authentication: described.authentication,
        models: { ...models, availableModels: `${registered.length} models from @agentry/openai` },
        versioning: described.versioning,
      },
      null,
      2,
    ),
  );
  const frameworks = agentry.compliance.frameworks;
  console.log(
    `\n  compliance frameworks switched on: ${frameworks.length === 0 ? 'none (nothing is claimed)' : frameworks.join(', ')}`,
  );
  await agentry.shutdown();
}
