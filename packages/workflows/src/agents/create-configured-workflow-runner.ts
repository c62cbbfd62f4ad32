import { AgentryError, services, type Agentry, type StateStore, type Tool } from '@agentry/core';
import { createWorkflowRunner } from '../runner/create-workflow-runner.js';
import type { WorkflowRunner, WorkflowRunnerOptions } from '../runner/runner-types.js';
import { createAgentTaskRunner, type AgentTaskRunnerOptions } from './create-agent-task-runner.js';

/**
 * Options of {@link createConfiguredWorkflowRunner}.
 *
 * @example
 * ```ts
 * import type { Agentry } from '@agentry/core';
 * import { createConfiguredWorkflowRunner, type ConfiguredWorkflowRunnerOptions } from '@agentry/workflows';
 *
 * declare const agentry: Agentry; // created with the workflows() plug-in and a workflows section
 * // Store, registry and defaults come from the configuration; handlers and tools from code.
 * const options: ConfiguredWorkflowRunnerOptions = {
 *   agentry,
 *   handlers: { 'orders.ship': async (input) => ({ shipped: input.orderId }) },
 * };
 * const runner = createConfiguredWorkflowRunner(options);
 * await runner.recover();
 * ```
 */
export interface ConfiguredWorkflowRunnerOptions extends Omit<
  WorkflowRunnerOptions,
  'store' | 'registry' | 'defaults'
> {
  /** The Agentry instance, made with the `workflows()` plug-in and a `workflows` section. */
  agentry: Agentry;
  /** The tools agent tasks may use (see {@link createAgentTaskRunner}); ignored with `runAgent`. */
  tools?: readonly Tool[];
  /** Options every agent task's agent gets; ignored with `runAgent`. */
  agentOptions?: AgentTaskRunnerOptions['agentOptions'];
  /** A store to use instead of the one the section names in `defaults.store`. */
  store?: StateStore;
}

/**
 * Makes a workflow runner from an Agentry instance's `workflows` configuration section: its
 * workflows (validated with the configuration), its `defaults` (retry delays, backoff, step
 * timeout) and its store, `defaults.store` looked up with `agentry.store(name)` (`memory`, or a
 * store a plug-in offers, such as `sqliteStore()`'s `sqlite`). Agent tasks run on the instance
 * through {@link createAgentTaskRunner} unless `runAgent` is given. Task handlers log through the
 * instance's logger (`agentry.logger`), and runs carry the trace context of the instance's
 * `services.contextPropagator` when a plug-in provides one. Starts and resumes are authorized by
 * the instance's `services.authorizer` (from `@agentry/security`) when one is provided. The runner's events are
 * published on the instance's `events$` (what plug-ins see as `host.events$`), each tagged with its
 * run and workflow.
 *
 * @throws AgentryError `plugin_missing` when the instance has no `workflows` section (the
 *   `workflows()` plug-in is not installed) or no plug-in offers the named store
 * @example
 * ```ts
 * const agentry = await createAgentry({
 *   config: await loadConfiguration('agentry.config.json'), // with a workflows section
 *   plugins: [openaiPlugin(), sqliteStore({ path: './data/runs.db' }), workflows()],
 * });
 * const runner = createConfiguredWorkflowRunner({ agentry, handlers, tools: [lookupOrder] });
 * await runner.recover();
 * ```
 */
export function createConfiguredWorkflowRunner(
  options: ConfiguredWorkflowRunnerOptions,
): WorkflowRunner {
  const { agentry, tools, agentOptions, store, ...rest } = options;
  const section = agentry.config.workflows;
  if (section === undefined) {
    throw new AgentryError({
      code: 'plugin_missing',
      message:
        'This Agentry instance has no workflows configuration section, so there is nothing to make a workflow runner from.',
      details: { section: 'workflows' },
      suggestions: [
        "Add workflows() from '@agentry/workflows' to plugins and a workflows section to the configuration.",
        'Or call createWorkflowRunner with your own store and registry.',
      ],
    });
  }
  const { retryPolicy, backoffStrategy, stepTimeout } = section.defaults;
  const propagator = rest.contextPropagator ?? agentry.services.lookup(services.contextPropagator);
  const authorizer = rest.authorizer ?? agentry.services.lookup(services.authorizer);
  const runner = createWorkflowRunner({
    ...rest,
    logger: rest.logger ?? agentry.logger,
    ...(propagator === undefined ? {} : { contextPropagator: propagator }),
    ...(authorizer === undefined ? {} : { authorizer }),
    store: store ?? agentry.store(section.defaults.store),
    registry: section,
    defaults: {
      retryPolicy,
      backoffStrategy,
      ...(stepTimeout === undefined ? {} : { stepTimeout }),
    },
    runAgent:
      rest.runAgent ??
      createAgentTaskRunner({
        agentry,
        ...(tools === undefined ? {} : { tools }),
        ...(agentOptions === undefined ? {} : { agentOptions }),
      }),
  });
  // Plug-ins see the runs on the instance's events$ (subscribed only while someone listens), and
  // may cancel one through host.abortRun (the realtime plug-in's cancel command); closing the
  // runner detaches them.
  const detach = agentry.attachRunEvents(runner.events$, {
    cancel: (runId) => runner.cancel(runId),
  });
  return {
    ...runner,
    async close() {
      try {
        await runner.close();
      } finally {
        detach();
      }
    },
  };
}
