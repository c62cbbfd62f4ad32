import { AgentryError } from '../../errors/index.js';
import { defineMigration, type Migration } from '../define-migration.js';
import type { VersioningConfig } from '../versioning-config.js';

/** Fields every version shares; `extra` carries arbitrary JSON the migrations must keep. */
interface ConfigurationBase {
  schemaVersion: string;
  id: string;
  extra?: unknown;
}

/** Version 1: one flat model name, a temperature and a comma-separated tools string. */
export interface ConfigurationV1 extends ConfigurationBase {
  model: string;
  temperature: number;
  tools: string;
}

/** Version 2: the model moved under `models.defaultModel`. */
export interface ConfigurationV2 extends ConfigurationBase {
  models: { defaultModel: string };
  temperature: number;
  tools: string;
}

/** Version 3: `tools` split into a list. */
export interface ConfigurationV3 extends ConfigurationBase {
  models: { defaultModel: string };
  temperature: number;
  tools: string[];
}

/** Version 4: `provider/name` split into two fields, temperature moved under `sampling`. */
export interface ConfigurationV4 extends ConfigurationBase {
  models: { default: { provider: string | null; name: string } };
  sampling: { temperature: number };
  tools: string[];
}

export const configurationV1: ConfigurationV1 = {
  schemaVersion: '1',
  id: 'cfg-1',
  model: 'openai/gpt-4o',
  temperature: 0.2,
  tools: 'search,calculator',
};

export const configurationV4: ConfigurationV4 = {
  schemaVersion: '4',
  id: 'cfg-1',
  models: { default: { provider: 'openai', name: 'gpt-4o' } },
  sampling: { temperature: 0.2 },
  tools: ['search', 'calculator'],
};

/**
 * The three configuration migrations, each with a `down` that undoes it exactly, between the
 * given versions (integers by default, semver strings for semantic mode).
 */
export function configurationMigrations(
  versions: readonly [string, string, string, string] = ['1', '2', '3', '4'],
): [Migration, Migration, Migration] {
  const [v1, v2, v3, v4] = versions;
  return [
    defineMigration<ConfigurationV1, ConfigurationV2>({
      from: v1,
      to: v2,
      description: 'Move model to models.defaultModel.',
      up: ({ model, ...rest }) => ({ ...rest, models: { defaultModel: model } }),
      down: ({ models, ...rest }) => ({ ...rest, model: models.defaultModel }),
    }),
    defineMigration<ConfigurationV2, ConfigurationV3>({
      from: v2,
      to: v3,
      description: 'Split the tools string into a list.',
      up: (config) => ({ ...config, tools: config.tools.split(',') }),
      down: (config) => ({ ...config, tools: config.tools.join(',') }),
    }),
    defineMigration<ConfigurationV3, ConfigurationV4>({
      from: v3,
      to: v4,
      description: 'Split the default model into provider and name; move temperature to sampling.',
      up: ({ models, temperature, ...rest }) => {
        const slash = models.defaultModel.indexOf('/');
        const provider = slash === -1 ? null : models.defaultModel.slice(0, slash);
        const name = models.defaultModel.slice(slash + 1);
        return { ...rest, models: { default: { provider, name } }, sampling: { temperature } };
      },
      down: ({ models, sampling, ...rest }) => {
        const { provider, name } = models.default;
        const defaultModel = provider === null ? name : `${provider}/${name}`;
        return { ...rest, models: { defaultModel }, temperature: sampling.temperature };
      },
    }),
  ];
}

/** A versioning section with integer versions, an empty matrix and the given strategy. */
export function versioningWith(
  migrationStrategy: Partial<VersioningConfig['migrationStrategy']> = {},
  overrides: Partial<Omit<VersioningConfig, 'migrationStrategy'>> = {},
): VersioningConfig {
  return {
    semantic: false,
    autoDetection: false,
    compatibilityMatrix: [],
    ...overrides,
    migrationStrategy: {
      type: 'automatic',
      rollbackSupport: true,
      dataBackup: false,
      ...migrationStrategy,
    },
  };
}

/** Returns the AgentryError that `run` throws or rejects with; fails when it throws none. */
export async function captureError(run: () => unknown): Promise<AgentryError> {
  try {
    await run();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw new Error(`Expected an AgentryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('Expected an AgentryError, but nothing was thrown.');
}

/** A fixed clock for backup keys. */
export const fixedNow = () => new Date('2025-01-02T03:04:05.678Z');
