import type {
  AgentEvent,
  InstanceEvent,
  Logger,
  SecurityEvent,
  WorkflowRunEvent,
} from '@agentry/core';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Writes the log lines of the instance's events: agent runs (start, end, error), model calls
 * (errors, retries, fallbacks to another model; each request at debug), tool calls and responses
 * (debug; arguments parsed so that credential-named fields are masked by name too, results never
 * logged, only whether they are errors) and workflow runs and steps. Each line carries the ids
 * that place it: `agentId`, `runId` and `step` for an agent, `workflowId`, `runId` and `stepId`
 * for a workflow run. Plug-ins' security events are logged with their category, severity,
 * outcome, policy ids, action and resource (an allowed access at debug, the rest at warn). Text and
 * reasoning deltas are not logged.
 *
 * Keeps, per agent run, the model of its last request, to tell a fallback from a retry; an entry
 * is removed when its run ends or fails.
 *
 * @returns the subscriber to give to `events$.subscribe`
 * @internal
 */
export function createEventLogger(
  logger: Logger,
  levelEnabled: (level: Level) => boolean = () => true,
): (tagged: InstanceEvent) => void {
  const lastModel = new Map<string, string>();
  // The level is fixed for the logger's life, so which agent events can write a line is decided
  // once: an event that cannot is dropped before any field object is built (the hot path of a
  // turn at the usual info or warn level).
  const processed = new Set<string>();
  for (const [type, level] of Object.entries(agentEventLevel))
    if (level !== undefined && levelEnabled(level)) processed.add(type);
  const enabled: Record<Level, boolean> = {
    debug: levelEnabled('debug'),
    info: levelEnabled('info'),
    warn: levelEnabled('warn'),
    error: levelEnabled('error'),
  };
  return (tagged) => {
    const { source } = tagged;
    switch (source.kind) {
      case 'agent': {
        const event = tagged.event as AgentEvent;
        if (!processed.has(event.type)) return;
        logAgentEvent(logger, lastModel, { agentId: source.agentId }, event, enabled);
        return;
      }
      case 'workflow-run': {
        const event = tagged.event as WorkflowRunEvent;
        logRunEvent(logger, event);
        return;
      }
      case 'plugin': {
        const event = tagged.event;
        if (event.type === 'security') {
          // Category, severity, outcome, policy ids, action and resource only: a security event's
          // subject and reason may hold personal data; the audit trail keeps them.
          const security = event as SecurityEvent;
          // An allowed access is routine (one per tool call): debug. A denial, or a decision that
          // gave no outcome, and every other security event: warn.
          const level = security.outcome === 'allow' ? 'debug' : 'warn';
          if (!enabled[level]) return;
          logger[level](
            {
              plugin: source.plugin,
              category: security.category,
              severity: security.severity,
              ...(security.outcome !== undefined ? { outcome: security.outcome } : {}),
              ...(security.policyIds !== undefined ? { policyIds: [...security.policyIds] } : {}),
              ...(security.action !== undefined ? { action: security.action } : {}),
              ...(security.resource !== undefined ? { resource: security.resource } : {}),
              ...(security.traceId !== undefined ? { trace_id: security.traceId } : {}),
            },
            `security event: ${security.category}`,
          );
        } else {
          logger.debug({ plugin: source.plugin, type: event.type }, `plug-in event: ${event.type}`);
        }
        return;
      }
    }
  };
}

/**
 * For each agent event, the level from which it must be processed: the most severe line it can
 * write, and for run ends the level of the fallback warnings whose per-run state they clear.
 * `undefined`: never a line of its own.
 */
const agentEventLevel: Readonly<Record<AgentEvent['type'], Level | undefined>> = {
  'run-start': 'info',
  'run-end': 'warn',
  'run-error': 'warn',
  'step-start': 'debug',
  'step-end': 'debug',
  'model-request': 'warn',
  'model-error': 'warn',
  'model-warning': 'warn',
  'tool-call-end': 'debug',
  'tool-response': 'debug',
  'realtime-error': 'warn',
  'text-delta': undefined,
  'reasoning-delta': undefined,
  'tool-call-start': undefined,
  'tool-call-delta': undefined,
  'status-delta': undefined,
  'metrics-delta': undefined,
};

function logAgentEvent(
  logger: Logger,
  lastModel: Map<string, string>,
  ids: { agentId: string },
  event: AgentEvent,
  enabled: Readonly<Record<Level, boolean>>,
): void {
  switch (event.type) {
    case 'run-start':
      logger.info({ ...ids, runId: event.runId }, 'agent run started');
      return;
    case 'run-end':
      lastModel.delete(event.runId);
      if (!enabled.info) return;
      logger.info(
        {
          ...ids,
          runId: event.runId,
          stepCount: event.stepCount,
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
        },
        'agent run ended',
      );
      return;
    case 'run-error':
      lastModel.delete(event.runId);
      logger.error(
        { ...ids, runId: event.runId, error: errorFields(event.error) },
        'agent run failed',
      );
      return;
    case 'step-start':
      logger.debug({ ...ids, runId: event.runId, step: event.step }, 'agent step started');
      return;
    case 'step-end':
      logger.debug(
        {
          ...ids,
          runId: event.runId,
          step: event.step,
          model: event.model,
          finishReason: event.finishReason,
        },
        'agent step ended',
      );
      return;
    case 'model-request': {
      const previous = lastModel.get(event.runId);
      lastModel.set(event.runId, event.model);
      const fallback = previous !== undefined && previous !== event.model;
      const level = fallback ? 'warn' : event.attempt > 1 ? 'info' : 'debug';
      if (!enabled[level]) return;
      const at = {
        ...ids,
        runId: event.runId,
        step: event.step,
        model: event.model,
        attempt: event.attempt,
      };
      if (fallback) logger.warn({ ...at, fallbackFrom: previous }, 'model fallback');
      else if (level === 'info') logger.info(at, 'model call retried');
      else logger.debug(at, 'model request');
      return;
    }
    case 'model-error':
      logger.warn(
        {
          ...ids,
          runId: event.runId,
          step: event.step,
          model: event.model,
          attempt: event.attempt,
          willRetry: event.willRetry,
          error: errorFields(event.error),
        },
        'model call failed',
      );
      return;
    case 'model-warning':
      logger.warn(
        { ...ids, model: event.model, code: event.code, message: event.message },
        'model warning',
      );
      return;
    case 'tool-call-end':
      logger.debug(
        {
          ...ids,
          runId: event.runId,
          step: event.step,
          toolCallId: event.toolCallId,
          toolName: event.toolName,
          arguments: parseArguments(event.input),
        },
        'tool call',
      );
      return;
    case 'tool-response':
      logger.debug(
        {
          ...ids,
          runId: event.runId,
          step: event.step,
          toolCallId: event.result.toolCallId,
          toolName: event.result.toolName,
          durationMs: event.durationMs,
          isError: event.result.isError === true,
        },
        'tool response',
      );
      return;
    case 'realtime-error':
      logger.warn(
        { ...ids, responseTime: event.responseTime, threshold: event.threshold },
        'real-time threshold exceeded',
      );
      return;
    // Deltas and state snapshots are not lines of their own: runs and steps say what matters.
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'status-delta':
    case 'metrics-delta':
      return;
  }
}

const runEventLines: Readonly<Record<string, readonly [Level, string]>> = {
  'run-start': ['info', 'workflow run started'],
  'run-suspend': ['info', 'workflow run suspended'],
  'run-resume': ['info', 'workflow run resumed'],
  'run-end': ['info', 'workflow run ended'],
  'run-error': ['error', 'workflow run failed'],
  'step-start': ['debug', 'workflow step started'],
  'step-attempt': ['debug', 'workflow step attempt'],
  'step-retry': ['warn', 'workflow step retried'],
  'step-end': ['info', 'workflow step ended'],
  'step-error': ['error', 'workflow step failed'],
  'execution-error': ['error', 'workflow execution stopped outside its journal'],
};

function logRunEvent(logger: Logger, event: WorkflowRunEvent): void {
  const line = runEventLines[event.type];
  if (line === undefined) return;
  const [level, message] = line;
  const error = (event as { error?: unknown }).error;
  logger[level](
    {
      workflowId: event.workflowId,
      runId: event.runId,
      ...(event.stepId !== undefined ? { stepId: event.stepId } : {}),
      ...(error !== undefined ? { error: errorFields(error) } : {}),
    },
    message,
  );
}

function errorFields(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    message: typeof message === 'string' ? message : 'The error has no message.',
  };
}

// Arguments are JSON text; parsed, a credential-named field is masked by its name as well as by
// its value's shape. Text that is not JSON is logged as text, still masked.
function parseArguments(input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
