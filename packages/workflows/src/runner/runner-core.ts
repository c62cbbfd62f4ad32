import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import {
  AgentryError,
  createConsoleLogger,
  type Authorizer,
  systemClock,
  type CircuitBreaker,
  type Clock,
  type ContextPropagator,
  type Logger,
  type StateStore,
} from '@agentry/core';
import { Subject } from 'rxjs';
import type { ConditionPredicate, WorkflowDefinition } from '../definitions/index.js';
import type { AnyTaskHandler } from '../handlers/define-task-handler.js';
import { compileWorkflow, type CompiledWorkflow } from './compile-workflow.js';
import { createLocalRuns, type LocalRuns } from './local-runs.js';
import type { RunAgent, RunEvent, RunMigration, WorkflowRunnerOptions } from './runner-types.js';

/**
 * What every part of one runner shares: its options with their defaults, the registered
 * workflows, and `local`, what this process is doing with runs (executions, controllers, queues,
 * timers, leases), whose maps only `local-runs.ts` changes (it documents who creates and removes
 * each entry).
 *
 * @internal
 */
export interface RunnerCore {
  store: StateStore;
  handlers: Record<string, AnyTaskHandler>;
  predicates: Record<string, ConditionPredicate>;
  runAgent: RunAgent | undefined;
  clock: Clock;
  random: () => number;
  generateId: () => string;
  defaults: NonNullable<WorkflowRunnerOptions['defaults']>;
  humanIntervention: NonNullable<WorkflowRunnerOptions['humanIntervention']>;
  maxFallbackRounds: number | undefined;
  resumePermission: string;
  migrations: RunMigration[];
  definitions: Record<string, WorkflowDefinition>;
  events: Subject<RunEvent>;
  /** What this process is doing with runs: executions, controllers, queues, timers. */
  local: LocalRuns;
  /** Circuit breakers by `<workflowId>:<handler>`, created on first use (see attempt-step). */
  breakers: Map<string, CircuitBreaker>;
  /** Who this runner is in run leases. */
  workerId: string;
  /** How long a claimed run stays this runner's without a renewal, ms. */
  leaseMs: number;
  /** The longest pause between two reads of a run record by `wait()`, ms. */
  waitPollMs: number;
  /** Aborts when the runner closes; every execution links to it. */
  closing: AbortController;
  closed: boolean;
  /** Where the runner logs; task handlers get a child of it. */
  logger: Logger;
  /** Carries trace context into runs and their steps; absent, nothing is captured or paid. */
  propagator: ContextPropagator | undefined;
  /** Decides starts and resumes; absent, nothing is asked. */
  authorizer: Authorizer | undefined;
}

/** Resolves the options of `createWorkflowRunner`. @internal */
export function createRunnerCore(options: WorkflowRunnerOptions): RunnerCore {
  if (typeof options?.store?.put !== 'function') {
    throw new AgentryError({
      code: 'validation_failed',
      message: 'createWorkflowRunner needs options.store, a StateStore.',
      details: { path: ['store'] },
      suggestions: [
        'Pass createMemoryStore() for tests or createSqliteStore({ path }) for durable runs.',
      ],
    });
  }
  const registry = options.registry as Record<string, unknown>;
  const closing = new AbortController();
  // Every run in progress links to it; many listeners are expected (each run removes its own).
  setMaxListeners(0, closing.signal);
  return {
    store: options.store,
    handlers: options.handlers ?? {},
    predicates: options.predicates ?? {},
    runAgent: options.runAgent,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    generateId: options.generateId ?? randomUUID,
    defaults: options.defaults ?? {},
    humanIntervention: options.humanIntervention ?? {},
    maxFallbackRounds: options.maxFallbackRounds,
    resumePermission: options.resumePermission ?? 'workflows:resume',
    migrations: options.migrations ?? [],
    definitions: (isDefinitionMap(registry.workflows) ? registry.workflows : registry) as Record<
      string,
      WorkflowDefinition
    >,
    events: new Subject<RunEvent>(),
    local: createLocalRuns(),
    breakers: new Map(),
    workerId: options.workerId ?? randomUUID(),
    leaseMs: positive(options.leaseMs, 'leaseMs') ?? 30_000,
    waitPollMs: positive(options.waitPollMs, 'waitPollMs') ?? 1_000,
    closing,
    closed: false,
    logger: options.logger ?? createConsoleLogger(),
    propagator: options.contextPropagator,
    authorizer: options.authorizer,
  };
}

/** The registered workflow, compiled, or `undefined`. @internal */
export function lookUpWorkflow(core: RunnerCore, workflowId: string): CompiledWorkflow | undefined {
  const definition = Object.hasOwn(core.definitions, workflowId)
    ? core.definitions[workflowId]
    : undefined;
  return definition ? compileWorkflow(definition) : undefined;
}

/**
 * The registered workflow, compiled.
 *
 * @internal
 * @throws AgentryError `not_found` when no workflow of that id is registered
 */
export function findWorkflow(core: RunnerCore, workflowId: string): CompiledWorkflow {
  const found = lookUpWorkflow(core, workflowId);
  if (found) return found;
  throw new AgentryError({
    code: 'not_found',
    message: `No workflow "${workflowId}" is registered with the runner (registered: ${Object.keys(core.definitions).join(', ') || 'none'}).`,
    details: { workflowId },
    suggestions: ['Register the workflow in the registry passed to createWorkflowRunner.'],
  });
}

/**
 * Throws once the runner is closed.
 *
 * @internal
 * @throws AgentryError `invalid_transition`
 */
export function assertOpen(core: RunnerCore): void {
  if (core.closed)
    throw new AgentryError({
      code: 'invalid_transition',
      message: 'The workflow runner is closed.',
      suggestions: ['Create a new runner; runs left unfinished are picked up by its recover().'],
    });
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new AgentryError({
    code: 'validation_failed',
    message: `createWorkflowRunner needs options.${name} to be a positive number of milliseconds (got ${String(value)}).`,
    details: { path: [name], value },
    suggestions: [`Leave ${name} out for its default, or pass a number above 0.`],
  });
}

function isDefinitionMap(value: unknown): value is Record<string, WorkflowDefinition> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('steps' in value && Array.isArray(value.steps))
  );
}
