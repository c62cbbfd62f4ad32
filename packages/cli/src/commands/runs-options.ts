import type { OptionSpec } from '../command.js';

/** The options every `agentry runs` subcommand takes. @internal */
export const storeOptions: Readonly<Record<string, OptionSpec>> = {
  store: {
    type: 'string',
    valueName: 'file',
    description: 'The SQLite store file holding the runs (@agentry/store-sqlite).',
  },
  workflow: {
    type: 'string',
    valueName: 'module',
    description:
      'A .js/.ts module whose default export is the options of createWorkflowRunner (registry, handlers, and optionally store).',
  },
};

/** Where `--store` and `--workflow` are explained in every `runs` help. @internal */
export const storeHelp = [
  'The runs are read from --store (a SQLite file) or from the store the --workflow module exports.',
  'The --workflow module: export default { registry, handlers, predicates?, runAgent?, migrations?, store? },',
  'the options of createWorkflowRunner; it is needed to resume, approve, reject or cancel a run, and to draw its diagram.',
].join('\n');
