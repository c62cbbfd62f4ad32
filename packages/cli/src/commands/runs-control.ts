import { AgentryError } from '@agentry/core';
import {
  createWorkflowRunner,
  type ResumeDecision,
  type RunRecord,
  type WorkflowRunner,
} from '@agentry/workflows';
import { exitCodes, type ExitCode } from '../cli-io.js';
import type { CommandContext, CommandSpec, OptionSpec } from '../command.js';
import { usageError, type Output } from '../output.js';
import { setUpRuns } from '../workflow-module.js';
import { printRecord, runNotFound } from './runs-inspect.js';
import { storeHelp, storeOptions } from './runs-options.js';

const decisions: readonly ResumeDecision[] = ['retry', 'skip', 'abort'];

const personOptions: Readonly<Record<string, OptionSpec>> = {
  as: { type: 'string', valueName: 'name', description: 'Who decides; recorded in the journal.' },
  step: { type: 'string', valueName: 'id', description: 'Which waiting step, when several wait.' },
};

/** `agentry runs cancel <runId>`. @internal */
export const runsCancelCommand: CommandSpec = {
  name: 'runs cancel',
  summary: 'Cancel a run and its child runs.',
  usage: 'agentry runs cancel <runId> --workflow <module> [--store <file>] [--json]',
  description: `Cancels the run (and its unfinished child runs), even one another process executes.\nA run that already ended is left as it is.\n${storeHelp}`,
  options: storeOptions,
  positionals: { min: 1, max: 1 },
  examples: ['agentry runs cancel 6f1c… --workflow ./src/workflows.ts --store ./data/agentry.db'],
  run: (context) =>
    withRunner(context, { needsWorkflows: true, command: 'runs cancel' }, async (runner, runId) => {
      const record = await runner.cancel(runId);
      return report(context.output, record, 'cancel');
    }),
};

/** `agentry runs resume <runId>`. @internal */
export const runsResumeCommand: CommandSpec = {
  name: 'runs resume',
  summary: 'Resume a run: decide on a waiting step, or go on with an interrupted run.',
  usage:
    'agentry runs resume <runId> --workflow <module> [--store <file>] [--decision retry|skip|abort --as <name> [--data <json>] [--step <id>]] [--json]',
  description: [
    'A run waiting for a person needs --decision: retry runs the step again, skip ends it with',
    '--data as its output, abort fails the run. A run interrupted by a crash (status running)',
    "is recovered from its journal (recovery goes on with every interrupted run of the module's",
    'workflows). The command then waits until the run ends or waits again, showing progress.',
    storeHelp,
  ].join('\n'),
  options: {
    ...storeOptions,
    ...personOptions,
    decision: { type: 'string', valueName: 'decision', description: 'retry, skip or abort.' },
    data: { type: 'string', valueName: 'json', description: "The step's output for skip (JSON)." },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    'agentry runs resume 6f1c… --workflow ./src/workflows.ts --store ./data/agentry.db',
    'agentry runs resume 6f1c… --workflow ./src/workflows.ts --decision retry --as ann',
  ],
  run: (context) => {
    const decision = context.values['decision'];
    if (decision !== undefined && !decisions.includes(decision as ResumeDecision))
      throw usageError(
        `--decision must be one of ${decisions.join(', ')}; got "${String(decision)}".`,
        ['Use --decision retry, --decision skip or --decision abort.'],
      );
    return decide(
      context,
      'runs resume',
      decision as ResumeDecision | undefined,
      parseData(context),
    );
  },
};

/** `agentry runs approve <runId>`. @internal */
export const runsApproveCommand: CommandSpec = {
  name: 'runs approve',
  summary: 'Approve a step waiting for a person, as a named person.',
  usage:
    'agentry runs approve <runId> --as <name> --workflow <module> [--step <id>] [--data <json>] [--json]',
  description: [
    'Records a skip decision on the waiting step, made by --as, with --data as the step output',
    '(default {"approved":true,"by":"<name>"}), and lets the run go on.',
    storeHelp,
  ].join('\n'),
  options: {
    ...storeOptions,
    ...personOptions,
    data: { type: 'string', valueName: 'json', description: "The step's output (JSON)." },
  },
  positionals: { min: 1, max: 1 },
  examples: ['agentry runs approve 6f1c… --step review --as ann --workflow ./src/workflows.ts'],
  run: (context) => {
    const person = requirePerson(context, 'runs approve');
    return decide(
      context,
      'runs approve',
      'skip',
      parseData(context) ?? { approved: true, by: person },
    );
  },
};

/** `agentry runs reject <runId>`. @internal */
export const runsRejectCommand: CommandSpec = {
  name: 'runs reject',
  summary: 'Reject a step waiting for a person, as a named person: the run fails.',
  usage: 'agentry runs reject <runId> --as <name> --workflow <module> [--step <id>] [--json]',
  description: `Records an abort decision on the waiting step, made by --as; the run fails.\n${storeHelp}`,
  options: { ...storeOptions, ...personOptions },
  positionals: { min: 1, max: 1 },
  examples: ['agentry runs reject 6f1c… --step review --as ann --workflow ./src/workflows.ts'],
  run: (context) => {
    requirePerson(context, 'runs reject');
    return decide(context, 'runs reject', 'abort', undefined);
  },
};

function requirePerson(context: CommandContext, command: string): string {
  const person = context.values['as'];
  if (typeof person !== 'string' || person.trim() === '')
    throw usageError(`agentry ${command} needs the name of the person who decides: --as <name>.`, [
      `agentry ${command} <runId> --as ann …`,
    ]);
  return person;
}

function parseData(context: CommandContext): unknown {
  const text = context.values['data'];
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw usageError(
      `--data must be JSON: ${error instanceof Error ? error.message : String(error)}`,
      [`Quote it for the shell: --data '{"approved":true}'.`],
    );
  }
}

async function decide(
  context: CommandContext,
  command: string,
  decision: ResumeDecision | undefined,
  data: unknown,
): Promise<ExitCode> {
  return withRunner(
    context,
    { needsWorkflows: true, command },
    async (runner, runId, permission) => {
      const record = await runner.getRun(runId);
      if (!record) throw runNotFound(runId);
      const step = context.values['step'];
      const person = context.values['as'];
      if (record.status === 'waiting-for-person') {
        if (decision === undefined)
          throw usageError(
            `Run "${runId}" waits for a person on ${(record.waiting ?? []).map((waiting) => waiting.stepId).join(', ')}: say what to do with --decision retry|skip|abort --as <name>.`,
            [
              `agentry runs approve ${runId} --as <name> …, or agentry runs resume ${runId} --decision retry --as <name> …`,
            ],
          );
        await runner.resume(
          runId,
          {
            decision,
            ...(data === undefined ? {} : { data }),
            ...(typeof step === 'string' ? { stepId: step } : {}),
          },
          { ...(typeof person === 'string' ? { actor: person } : {}), permissions: [permission] },
        );
      } else if (record.status === 'running') {
        if (decision !== undefined)
          throw new AgentryError({
            code: 'invalid_transition',
            message: `Run "${runId}" is running, not waiting for a person, so there is no decision to take.`,
            details: { runId, status: record.status },
            suggestions: [
              `Resume it without a decision: agentry ${command.replace(/ \w+$/, ' resume')} ${runId} --workflow …`,
            ],
          });
        const report = await runner.recover();
        const refused = report.refused.find((entry) => entry.runId === runId);
        if (refused)
          throw new AgentryError({
            code: refused.error.code,
            message: `Run "${runId}" cannot go on: ${refused.error.message}`,
            details: { runId },
            suggestions: refused.error.suggestions,
          });
      } else {
        throw new AgentryError({
          code: 'invalid_transition',
          message: `Run "${runId}" is ${record.status}; only a running or waiting run can be resumed.`,
          details: { runId, status: record.status },
          suggestions: [
            'List the runs that can go on with agentry runs list --status waiting-for-person.',
          ],
        });
      }
      const progress = context.output.progress(`Run ${runId}: going on`);
      const subscription = runner.events$.subscribe((event) => {
        if (event.runId === runId && event.stepId !== undefined)
          progress.update(`Run ${runId}: ${event.type} ${event.stepId}`);
      });
      try {
        return report(context.output, await runner.wait(runId), 'resume');
      } finally {
        subscription.unsubscribe();
        progress.end();
      }
    },
  );
}

async function withRunner(
  context: CommandContext,
  options: { needsWorkflows: boolean; command: string },
  work: (runner: WorkflowRunner, runId: string, permission: string) => Promise<ExitCode>,
): Promise<ExitCode> {
  const setup = await setUpRuns(context.io.cwd, context.values, { readonly: false, ...options });
  const runner = createWorkflowRunner(setup.options);
  try {
    return await work(
      runner,
      context.positionals[0] ?? '',
      setup.options.resumePermission ?? 'workflows:resume',
    );
  } finally {
    await runner.close();
    await setup.close();
  }
}

function report(output: Output, record: RunRecord, action: 'cancel' | 'resume'): ExitCode {
  output.result({ ok: record.status !== 'failed', run: record });
  printRecord(output.line, record);
  if (action === 'resume' && record.status === 'failed') return exitCodes.problems;
  return exitCodes.ok;
}
