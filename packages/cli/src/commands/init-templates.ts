/**
 * The files `agentry init` writes: a project with one agent, one tool, a minimal configuration
 * and a test against the provider emulator. `{{name}}` and `{{version}}` are filled in.
 *
 * @internal
 */
export const initTemplates: Readonly<Record<string, string>> = {
  'package.json': `{
  "name": "{{name}}",
  "private": true,
  "version": "0.0.0",
  "type": "module",
  "scripts": {
    "test": "vitest run",
    "start": "tsx src/main.ts",
    "validate": "agentry validate",
    "emulator": "agentry emulator",
    "typecheck": "tsc --noEmit"
  },
  "dependencies": {
    "@agentry/core": "{{version}}",
    "@agentry/openai": "{{version}}",
    "zod": "^4.1.0"
  },
  "devDependencies": {
    "@agentry/cli": "{{version}}",
    "@agentry/testing": "{{version}}",
    "@types/node": "^20.19.0",
    "tsx": "^4.20.0",
    "typescript": "^5.9.0",
    "vitest": "^4.1.0"
  }
}
`,
  'agentry.config.json': `{
  "schemaVersion": "1.0.0",
  "authentication": {
    "providers": [{ "name": "openai", "type": "openai" }]
  },
  "models": { "defaultModel": "openai:gpt-5.4-mini" }
}
`,
  'src/tools.ts': `import { defineTool } from '@agentry/core';
import { z } from 'zod';

/** The one tool of the agent: adds numbers, so the model never does arithmetic in its head. */
export const addNumbers = defineTool({
  name: 'add_numbers',
  description: 'Adds a list of numbers and returns the sum.',
  input: z.object({ numbers: z.array(z.number()).describe('The numbers to add.') }),
  execute: ({ numbers }) => ({ sum: numbers.reduce((total, value) => total + value, 0) }),
});
`,
  'src/agent.ts': `import { fileURLToPath } from 'node:url';
import { createAgentry, loadConfiguration, type Agentry } from '@agentry/core';
import { openaiPlugin } from '@agentry/openai';
import { addNumbers } from './tools.js';

/** How to start the application: the environment, and another endpoint (the emulator in tests). */
export interface StartOptions {
  env?: Record<string, string | undefined>;
  endpoint?: string;
}

/**
 * Starts Agentry from agentry.config.json with the OpenAI plug-in. The provider entry names no
 * key, so OPENAI_API_KEY is read from the environment (options.env, else process.env).
 */
export async function startAgentry(options: StartOptions = {}): Promise<Agentry> {
  const config = (await loadConfiguration(
    fileURLToPath(new URL('../agentry.config.json', import.meta.url)),
  )) as { authentication?: { providers?: Record<string, unknown>[] } };
  if (options.endpoint)
    for (const provider of config.authentication?.providers ?? [])
      provider.endpoint = options.endpoint;
  return createAgentry({ config, plugins: [openaiPlugin()], env: options.env ?? process.env });
}

/** The agent: short answers, and the tool for sums. */
export function createAssistant(agentry: Agentry) {
  return agentry.createAgent({
    instructions: 'You answer briefly. Use add_numbers for every sum.',
    tools: [addNumbers],
  });
}
`,
  'src/main.ts': `import { startAgentry, createAssistant } from './agent.js';

// With OPENAI_API_KEY set this calls OpenAI; start the emulator (npm run emulator) and set
// OPENAI_BASE_URL to try it offline.
const agentry = await startAgentry(
  process.env.OPENAI_BASE_URL ? { endpoint: process.env.OPENAI_BASE_URL } : {},
);
try {
  const result = await createAssistant(agentry).send('What is 2 + 40?');
  console.log(result.text);
} finally {
  await agentry.shutdown();
}
`,
  'test/agent.test.ts': `import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@agentry/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAssistant, startAgentry } from '../src/agent.js';

// A throwaway key of OpenAI's format, made at run time: the emulator accepts any.
const apiKey = \`sk-proj-\${randomBytes(48).toString('hex').slice(0, 64)}\`;

describe('the assistant', () => {
  let emulator: Emulator;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await emulator.close();
  });

  it('adds with its tool and answers', async () => {
    emulator.enqueue(
      { toolCalls: [{ name: 'add_numbers', arguments: '{"numbers":[2,40]}' }] },
      { text: 'The sum is 42.' },
    );
    const agentry = await startAgentry({
      endpoint: emulator.baseURL('openai-responses'),
      env: { OPENAI_API_KEY: apiKey },
    });
    try {
      const result = await createAssistant(agentry).send('What is 2 + 40?');
      expect(result.text).toBe('The sum is 42.');
      // The second request carries the tool's result back to the model.
      expect(emulator.requests).toHaveLength(2);
      expect(JSON.stringify(emulator.requests[1]?.body)).toMatch(/sum\\W+42/);
    } finally {
      await agentry.shutdown();
    }
  });
});
`,
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
`,
  'tsconfig.json': `{
  "compilerOptions": {
    "target": "ES2023",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "skipLibCheck": true,
    "types": ["node"],
    "noEmit": true
  },
  "include": ["src", "test", "vitest.config.ts"]
}
`,
  '.gitignore': `node_modules
.agentry
`,
  'README.md': `# {{name}}

An Agentry project: one agent (\`src/agent.ts\`) with one tool (\`src/tools.ts\`), configured by
\`agentry.config.json\`: one OpenAI provider and the default model, everything else at its
default. The provider entry names no key, so it is read from \`OPENAI_API_KEY\`.

- \`npm test\`: runs the agent against the local provider emulator (no real key, no network).
- \`npm start\`: asks the agent a question on OpenAI (set \`OPENAI_API_KEY\`).
- \`npm run validate\`: validates the configuration with the installed plug-ins (it names
  \`OPENAI_API_KEY\` when that is not set).
`,
};
