import { resolve } from 'node:path';
import { AgentryError, type StateStore } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import type { WorkflowRunnerOptions } from '@agentry/workflows';
import { importModule } from './import-module.js';
import { usageError } from './output.js';

/**
 * What a `--workflow` module's default export holds: the options of `createWorkflowRunner`, where
 * the store may be left out (then `--store` names a SQLite file).
 *
 * @internal
 */
export type WorkflowModule = Omit<WorkflowRunnerOptions, 'store'> & { store?: StateStore };

/** The runner options a `runs` subcommand works with, and whether they came from a module. @internal */
export interface RunsSetup {
  /** The options, store included. */
  options: WorkflowRunnerOptions;
  /** The module's export, when `--workflow` was given. */
  module?: WorkflowModule;
  /** Closes what the command opened. */
  close(): Promise<void>;
}

/**
 * Opens the store and loads the workflows for a `runs` subcommand: `--store <file>` opens a SQLite
 * store file, `--workflow <module>` imports the runner options (its `store` is used when `--store`
 * is not given).
 *
 * @internal
 * @throws AgentryError a usage error when neither names a store; what `createSqliteStore` throws
 *   for a file it cannot open (`not_found` names the path)
 */
export async function setUpRuns(
  cwd: string,
  values: Readonly<Record<string, unknown>>,
  options: { readonly: boolean; needsWorkflows: boolean; command: string },
): Promise<RunsSetup> {
  const storePath = typeof values['store'] === 'string' ? values['store'] : undefined;
  const modulePath = typeof values['workflow'] === 'string' ? values['workflow'] : undefined;
  if (options.needsWorkflows && modulePath === undefined)
    throw usageError(
      `agentry ${options.command} needs the workflow definitions and task handlers: pass --workflow <module>.`,
      [
        'Write a module whose default export is the options of createWorkflowRunner ({ registry, handlers, … }) and pass it with --workflow.',
      ],
      { command: options.command },
    );
  let module: WorkflowModule | undefined;
  if (modulePath !== undefined) {
    const namespace = await importModule(cwd, modulePath, 'workflow module');
    const exported = namespace['default'];
    if (typeof exported !== 'object' || exported === null || !('registry' in exported))
      throw new AgentryError({
        code: 'config_load_failed',
        message: `The workflow module ${modulePath} must export by default the options of createWorkflowRunner ({ registry, handlers, … }).`,
        details: { file: modulePath },
        suggestions: [
          'export default { registry: { workflows: { [definition.id]: definition } }, handlers };',
        ],
      });
    module = exported as WorkflowModule;
  }
  let store: StateStore;
  if (storePath !== undefined) {
    store = await Promise.resolve(
      createSqliteStore({ path: resolve(cwd, storePath), readonly: options.readonly }),
    );
  } else if (module?.store !== undefined) {
    store = module.store;
  } else {
    throw usageError(
      `agentry ${options.command} needs a store: pass --store <file.db> (a SQLite store file), or a --workflow module that exports a store.`,
      [`agentry ${options.command} --store ./data/agentry.db`],
      { command: options.command },
    );
  }
  return {
    options: { ...(module ?? { registry: {} }), store },
    ...(module ? { module } : {}),
    close: async () => {
      await store.close();
    },
  };
}
