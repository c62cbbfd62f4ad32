import { toMermaid, type JournalEntry, type RunRecord, type RunStatus } from '@agentry/workflows';
import { createWorkflowRunner } from '@agentry/workflows';
import { AgentryError } from '@agentry/core';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { usageError } from '../output.js';
import { setUpRuns } from '../workflow-module.js';
import { storeHelp, storeOptions } from './runs-options.js';

const statuses: readonly RunStatus[] = [
  'running',
  'waiting-for-person',
  'completed',
  'failed',
  'cancelled',
];

/** `agentry runs list`. @internal */
export const runsListCommand: CommandSpec = {
  name: 'runs list',
  summary: 'List the durable workflow runs in a store, with their status.',
  usage: 'agentry runs list --store <file> [--status <status>] [--workflow-id <id>] [--json]',
  description: `Lists every run record in the store, oldest first.\n${storeHelp}`,
  options: {
    ...storeOptions,
    status: {
      type: 'string',
      valueName: 'status',
      description: `Only runs with this status: ${statuses.join(', ')}.`,
    },
    'workflow-id': { type: 'string', valueName: 'id', description: 'Only runs of this workflow.' },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    'agentry runs list --store ./data/agentry.db',
    'agentry runs list --store ./data/agentry.db --status waiting-for-person --json',
  ],
  async run({ values, io, output }) {
    const status = values['status'];
    if (status !== undefined && !statuses.includes(status as RunStatus))
      throw usageError(`--status must be one of ${statuses.join(', ')}; got "${String(status)}".`, [
        `Use --status ${statuses[1] ?? ''}, for example.`,
      ]);
    const setup = await setUpRuns(io.cwd, values, {
      readonly: true,
      needsWorkflows: false,
      command: 'runs list',
    });
    const runner = createWorkflowRunner(setup.options);
    try {
      const filter = {
        ...(typeof status === 'string' ? { status: status as RunStatus } : {}),
        ...(typeof values['workflow-id'] === 'string' ? { workflowId: values['workflow-id'] } : {}),
      };
      const runs = (await runner.listRuns(filter)).sort((a, b) => a.startedAt - b.startedAt);
      output.result({ ok: true, runs });
      if (runs.length === 0) output.line('No runs.');
      else {
        const rows = runs.map((run) => [
          run.runId,
          run.workflowId,
          run.status,
          new Date(run.startedAt).toISOString(),
          (run.waiting ?? []).map((waiting) => waiting.stepId).join(','),
        ]);
        printTable(output.line, ['RUN', 'WORKFLOW', 'STATUS', 'STARTED', 'WAITING'], rows);
      }
      return exitCodes.ok;
    } finally {
      await runner.close();
      await setup.close();
    }
  },
};

/** `agentry runs show <runId>`. @internal */
export const runsShowCommand: CommandSpec = {
  name: 'runs show',
  summary: "Show a run: its record, its journal and its workflow's Mermaid diagram.",
  usage: 'agentry runs show <runId> --store <file> [--workflow <module>] [--json]',
  description: `Prints the run's record and every journal entry in order; with --workflow, also the\nMermaid diagram of its workflow.\n${storeHelp}`,
  options: storeOptions,
  positionals: { min: 1, max: 1 },
  examples: [
    'agentry runs show 6f1c… --store ./data/agentry.db',
    'agentry runs show 6f1c… --store ./data/agentry.db --workflow ./src/workflows.ts --json',
  ],
  async run({ values, positionals, io, output }) {
    const runId = positionals[0] ?? '';
    const setup = await setUpRuns(io.cwd, values, {
      readonly: true,
      needsWorkflows: false,
      command: 'runs show',
    });
    const runner = createWorkflowRunner(setup.options);
    try {
      const record = await runner.getRun(runId);
      if (!record) throw runNotFound(runId);
      const journal = await runner.journal(runId);
      const definition = workflowsOf(setup.options.registry)[record.workflowId];
      const mermaid = definition === undefined ? undefined : toMermaid(definition);
      output.result({ ok: true, run: record, journal, ...(mermaid ? { mermaid } : {}) });
      printRecord(output.line, record);
      output.line('');
      output.line('Journal:');
      for (const entry of journal) output.line(`  ${describeEntry(entry)}`);
      if (mermaid !== undefined) {
        output.line('');
        output.line('```mermaid');
        output.line(mermaid.trimEnd());
        output.line('```');
      } else if (setup.module === undefined) {
        output.note('Pass --workflow <module> to draw the workflow as a Mermaid diagram.');
      }
      return exitCodes.ok;
    } finally {
      await runner.close();
      await setup.close();
    }
  },
};

/** The workflow definitions of a runner's registry option, by id. @internal */
export function workflowsOf(
  registry: Parameters<typeof createWorkflowRunner>[0]['registry'],
): Record<string, Parameters<typeof toMermaid>[0]> {
  const workflows = (registry as { workflows?: unknown }).workflows;
  return (typeof workflows === 'object' && workflows !== null ? workflows : registry) as Record<
    string,
    Parameters<typeof toMermaid>[0]
  >;
}

/** The error for a run the store does not hold. @internal */
export function runNotFound(runId: string): AgentryError {
  return new AgentryError({
    code: 'not_found',
    message: `The store holds no run "${runId}".`,
    details: { runId },
    suggestions: ['List the runs with agentry runs list to find its id.'],
  });
}

/** Prints a run record for people. @internal */
export function printRecord(line: (text?: string) => void, record: RunRecord): void {
  line(`Run       ${record.runId}`);
  line(`Workflow  ${record.workflowId} (definition ${record.definitionHash.slice(0, 12)})`);
  line(`Status    ${record.status}`);
  line(`Started   ${new Date(record.startedAt).toISOString()}`);
  line(`Updated   ${new Date(record.updatedAt).toISOString()}`);
  line(`Input     ${JSON.stringify(record.input)}`);
  if (record.output !== undefined) line(`Output    ${JSON.stringify(record.output)}`);
  if (record.error) line(`Error     ${record.error.code}: ${record.error.message}`);
  for (const waiting of record.waiting ?? [])
    line(`Waiting   step ${waiting.stepId}: ${waiting.error.message}`);
}

function describeEntry(entry: JournalEntry): string {
  const time = new Date(entry.at).toISOString();
  const { seq, at: _at, type, ...rest } = entry;
  const step = 'stepId' in rest ? ` ${String(rest.stepId)}` : '';
  const fields = Object.entries(rest)
    .filter(([key]) => key !== 'stepId')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(' ');
  return `#${seq} ${time} ${type}${step}${fields ? ` ${fields}` : ''}`;
}

function printTable(line: (text?: string) => void, header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  line(format(header));
  for (const row of rows) line(format(row));
}
