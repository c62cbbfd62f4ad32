import {
  AgentryError,
  createCircuitBreaker,
  savedCircuitStateSchema,
  settleCircuitPermit,
  storeKey,
  type CircuitBreaker,
  type CircuitBreakerConfig,
  type CircuitBreakerSnapshot,
  type SavedCircuitState,
} from '@agentry/core';
import type { TaskStep } from '../definitions/index.js';
import type { RunContext } from './run-context.js';
import { isConflict } from './run-store.js';
import type { RunnerCore } from './runner-core.js';

/** The `kind` of breaker records in the store. @internal */
export const breakerRecordKind = 'workflow-breaker';
const breakerSchemaVersion = '1';

/** What this process knows of a breaker's record in the store. */
interface StoredBreaker {
  /** The breaker's name, `<workflowId>:<handler>` (`<workflowId>:agent:<stepId>` for agent steps). */
  name: string;
  key: string;
  config: CircuitBreakerConfig;
  /** The revision of the record this process last read or wrote; `null` before it exists. */
  revision: number | null;
  /** This process's writes of the record, one after the other, so each names the last revision. */
  writing: Promise<void>;
  /** When this process last read or wrote the record (runner clock); `undefined` before. */
  syncedAt: number | undefined;
}

/**
 * The longest a closed breaker goes without reading its record: another process's change of the
 * breaker (it opened) is seen within this, or within `recoveryTimeout` when that is shorter.
 */
const breakerRefreshMs = 1_000;

// Beside core.breakers (which holds the breakers themselves), keyed by breaker so an entry goes
// when its breaker goes.
const stored = new WeakMap<CircuitBreaker, StoredBreaker>();

/**
 * Calls a task step's work under the workflow's circuit breaker, when the workflow has one.
 *
 * The breaker's state lives in the runner's store (`workflow-breaker:<workflowId>:<name>`), so a
 * runner started after a restart, or another runner on the same store, honours a breaker that
 * another process opened. The stored state is read, and taken over when another process changed
 * it, on the breaker's first call in this process, before every call while the breaker here is
 * not closed, and otherwise once `min(recoveryTimeout, breakerRefreshMs)` has passed since the
 * last read or write: a closed, healthy breaker costs no store call per step, and another
 * process's open breaker goes unseen here for at most that long. After a call that changed the
 * state or the failure count, the new state is
 * written with the revision read (when another process wrote first, its state wins and this
 * call's outcome is dropped) and, for a change of state, a `breaker-state` event is emitted once
 * the write is stored. A store that cannot read or write the record never fails the call: the
 * breaker goes on with this process's state. What counts as a failure is core's one rule (`settleCircuitPermit`).
 *
 * @internal
 * @throws AgentryError `provider_unavailable` (recoverable, `details.circuit`, `details.breaker`,
 *   `details.retryInMs` when open) when the breaker refuses; whatever `work` throws otherwise
 */
export async function callThroughBreaker<T>(
  core: RunnerCore,
  ctx: RunContext,
  step: TaskStep,
  work: () => Promise<T>,
): Promise<T> {
  const config = ctx.workflow.definition.errorHandling?.circuitBreaker;
  if (!config) return work();
  const name = 'handler' in step.configuration ? step.configuration.handler : `agent:${step.id}`;
  const breaker = breakerFor(core, `${ctx.workflowId}:${name}`, config, [ctx.workflowId, name]);
  const record = stored.get(breaker)!;
  await record.writing;
  if (isStale(core, breaker, record)) await load(core, breaker, record);
  let before = breaker.snapshot();
  const permit = breaker.tryAcquire();
  // An open breaker past its timeout turns half-open as this call takes its permit.
  await persistChange(core, ctx, step.id, breaker, record, before);
  if (permit === undefined) throw refusal(breaker, record, core.clock.now());
  let output: T;
  try {
    output = await work();
  } catch (error) {
    before = breaker.snapshot();
    settleCircuitPermit(permit, error);
    await persistChange(core, ctx, step.id, breaker, record, before);
    throw error;
  }
  before = breaker.snapshot();
  permit.success();
  await persistChange(core, ctx, step.id, breaker, record, before);
  return output;
}

function breakerFor(
  core: RunnerCore,
  name: string,
  config: CircuitBreakerConfig,
  keyParts: string[],
): CircuitBreaker {
  let breaker = core.breakers.get(name);
  if (!breaker) {
    breaker = createCircuitBreaker(config, { name, clock: core.clock });
    core.breakers.set(name, breaker);
    stored.set(breaker, {
      name,
      key: storeKey(breakerRecordKind, ...keyParts),
      config,
      revision: null,
      writing: Promise.resolve(),
      syncedAt: undefined,
    });
  }
  return breaker;
}

/**
 * Whether the record must be read before this call: on first use (a restart), while the breaker
 * here is open or half-open (another process may have closed or reopened it), and when the last
 * read or write is older than the staleness bound.
 */
function isStale(core: RunnerCore, breaker: CircuitBreaker, record: StoredBreaker): boolean {
  if (record.syncedAt === undefined || breaker.snapshot().state !== 'closed') return true;
  const bound = Math.min(record.config.recoveryTimeout, breakerRefreshMs);
  return core.clock.now() - record.syncedAt >= bound;
}

/** Takes over the stored state when another process wrote it since this one last did. */
async function load(core: RunnerCore, breaker: CircuitBreaker, record: StoredBreaker) {
  // A store that cannot answer is asked again only after the bound, like one that answered.
  record.syncedAt = core.clock.now();
  // The breaker's record guards calls; it never fails one. When the store cannot give it (down,
  // or the entry damaged), the breaker goes on with the state this process has; the run's own
  // journal writes report a store that is down.
  const entry = await core.store.get(record.key).catch(() => undefined);
  if (!entry || entry.revision === record.revision) return;
  record.revision = entry.revision;
  const parsed = savedCircuitStateSchema.safeParse(entry.data);
  // A record this runner cannot read is overwritten by the next change (its revision is known).
  if (entry.kind === breakerRecordKind && parsed.success) breaker.restore(parsed.data);
}

function changed(before: CircuitBreakerSnapshot, after: CircuitBreakerSnapshot): boolean {
  return (
    before.state !== after.state ||
    before.consecutiveFailures !== after.consecutiveFailures ||
    before.openedAt !== after.openedAt
  );
}

async function persistChange(
  core: RunnerCore,
  ctx: RunContext,
  stepId: string,
  breaker: CircuitBreaker,
  record: StoredBreaker,
  before: CircuitBreakerSnapshot,
): Promise<void> {
  const after = breaker.snapshot();
  if (!changed(before, after)) return;
  const write = record.writing.then(() => save(core, breaker, record));
  record.writing = write.then(
    () => undefined,
    () => undefined,
  );
  const saved = await write;
  if (!saved || before.state === after.state || !core.events.observed) return;
  core.events.next({
    type: 'breaker-state',
    runId: ctx.runId,
    workflowId: ctx.workflowId,
    stepId,
    ...(ctx.parentRunId === undefined ? {} : { parentRunId: ctx.parentRunId }),
    ...(ctx.userId === undefined ? {} : { userId: ctx.userId }),
    at: core.clock.now(),
    breaker: {
      name: record.name,
      from: before.state,
      to: after.state,
      consecutiveFailures: after.consecutiveFailures,
      ...(after.openedAt === undefined ? {} : { openedAt: after.openedAt }),
    },
  });
}

/**
 * Writes the breaker's current state with the revision last seen. Returns false when another
 * process wrote first: its state is taken over and wins.
 */
async function save(
  core: RunnerCore,
  breaker: CircuitBreaker,
  record: StoredBreaker,
): Promise<boolean> {
  const { state, consecutiveFailures, openedAt } = breaker.snapshot();
  const data: SavedCircuitState = {
    state,
    consecutiveFailures,
    ...(openedAt === undefined ? {} : { openedAt }),
  };
  try {
    const entry = await core.store.put(
      record.key,
      { kind: breakerRecordKind, schemaVersion: breakerSchemaVersion, data },
      { expectedRevision: record.revision },
    );
    record.revision = entry.revision;
    record.syncedAt = core.clock.now();
    return true;
  } catch (error) {
    // As in load: a write the store refuses for another reason is left for the next change.
    if (isConflict(error)) await load(core, breaker, record);
    return false;
  }
}

function refusal(breaker: CircuitBreaker, record: StoredBreaker, now: number): AgentryError {
  const { state, openedAt } = breaker.snapshot();
  const { name } = record;
  if (state === 'open') {
    const retryInMs = Math.max(0, (openedAt ?? now) + record.config.recoveryTimeout - now);
    return new AgentryError({
      code: 'provider_unavailable',
      message: `The circuit breaker "${name}" is open after repeated failures; calls are refused for another ${retryInMs} ms.`,
      details: { circuit: 'open', breaker: name, retryInMs },
      suggestions: ['Wait for the dependency to recover; the step is retried after that time.'],
    });
  }
  return new AgentryError({
    code: 'provider_unavailable',
    message: `The circuit breaker "${name}" is testing recovery with ${record.config.halfOpenMaxCalls} probe call(s); calls are refused until they finish.`,
    details: { circuit: 'half-open', breaker: name },
    suggestions: ['Wait for the probe calls to finish; the step is retried after that.'],
  });
}
