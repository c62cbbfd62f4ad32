import type { Agent } from '../agent/agent-interface.js';
import type { ModelMiddleware, SendAdmission, ToolMiddleware } from '../agent/middleware.js';
import { AgentryError } from '../errors/index.js';
import { createInstanceEventBus, type InstanceEventBus } from '../plugins/plugin-events.js';
import { createConsoleLogger, createDelegatingLogger, type Logger } from '../plugins/logger.js';
import {
  createServiceRegistry,
  services as serviceKeys,
  type ServiceRegistry,
} from '../plugins/plugin-services.js';
import type { PluginHost, StoreWrapper } from '../plugins/plugin-types.js';
import type { RecordHandler } from '../plugins/record-handler.js';
import type { StateStore } from '../stores/index.js';

/** @internal What plug-ins registered through their hosts, for the instance to apply. */
export interface PluginHooks {
  readonly bus: InstanceEventBus;
  readonly services: ServiceRegistry;
  /** The instance's logger: the provided `services.logger` at each call, else core's default. */
  readonly logger: Logger;
  /** Plug-ins' model middleware, installation order (outermost first). */
  readonly modelMiddleware: readonly ModelMiddleware[];
  /** Plug-ins' tool middleware, installation order (outermost first). */
  readonly toolMiddleware: readonly ToolMiddleware[];
  /** Plug-ins' send admission checks, installation order. */
  readonly sendAdmission: readonly SendAdmission[];
  /** The record handlers plug-ins registered, by record kind, with the plug-in's name. */
  readonly recordHandlers: ReadonlyMap<string, { handler: RecordHandler; plugin: string }>;
  /** Wraps a store with every plug-in's wrapper, in installation order (the first innermost). */
  wrap(store: StateStore, name: string): StateStore;
  /** The hook methods of one plug-in's host. */
  hostMethods(
    plugin: string,
  ): Pick<
    PluginHost,
    | 'events$'
    | 'logger'
    | 'emit'
    | 'hasSubscribers'
    | 'useModelMiddleware'
    | 'useToolMiddleware'
    | 'useSendAdmission'
    | 'wrapStore'
    | 'handleRecords'
    | 'provide'
    | 'lookup'
    | 'require'
  >;
  /** Ends set-up: middleware and wrappers registered later are refused. */
  seal(): void;
}

/** @internal */
export function createPluginHooks(
  onError: (error: AgentryError) => void,
  liveAgents: () => Iterable<Agent>,
): PluginHooks {
  const bus = createInstanceEventBus(onError, liveAgents);
  const services = createServiceRegistry();
  const logger = createDelegatingLogger(
    () => services.lookup(serviceKeys.logger),
    // Without a logging plug-in, lines still pass through the instance's masker when one is there.
    createConsoleLogger({ masker: () => services.lookup(serviceKeys.masker) }),
  );
  const modelMiddleware: ModelMiddleware[] = [];
  const toolMiddleware: ToolMiddleware[] = [];
  const sendAdmission: SendAdmission[] = [];
  const wrappers: StoreWrapper[] = [];
  // Plug-ins' handlers by record kind; core's own `agent` kind is handled in create-agentry.
  const recordHandlers = new Map<string, { handler: RecordHandler; plugin: string }>();
  let sealed = false;

  const assertOpen = (plugin: string, method: string) => {
    if (sealed) {
      throw new AgentryError({
        code: 'invalid_transition',
        message: `Plug-in ${plugin} called host.${method} after set-up; hooks are registered in setup().`,
        details: { plugin, method },
        suggestions: [`Call host.${method} inside the plug-in's setup(), before it returns.`],
      });
    }
  };
  const check = (plugin: string, method: string, value: unknown) => {
    assertOpen(plugin, method);
    if (typeof value !== 'function') {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Plug-in ${plugin} passed ${value === null ? 'null' : typeof value} to host.${method}; expected a function.`,
        details: { plugin, method, received: value === null ? 'null' : typeof value },
        suggestions: [`Pass a function to host.${method}.`],
      });
    }
  };

  return {
    bus,
    services,
    logger,
    modelMiddleware,
    toolMiddleware,
    sendAdmission,
    recordHandlers,
    wrap(store, name) {
      let wrapped = store;
      for (const wrapper of wrappers) wrapped = wrapper(wrapped, name);
      return wrapped;
    },
    hostMethods: (plugin) => ({
      events$: bus.events$,
      logger: logger.child({ plugin }),
      emit: (event) => bus.emit(plugin, event),
      hasSubscribers: () => bus.hasSubscribers(),
      useModelMiddleware(middleware) {
        check(plugin, 'useModelMiddleware', middleware);
        modelMiddleware.push(middleware);
      },
      useToolMiddleware(middleware) {
        check(plugin, 'useToolMiddleware', middleware);
        toolMiddleware.push(middleware);
      },
      useSendAdmission(admission) {
        check(plugin, 'useSendAdmission', admission);
        sendAdmission.push(admission);
      },
      wrapStore(wrapper) {
        check(plugin, 'wrapStore', wrapper);
        wrappers.push(wrapper);
      },
      handleRecords(handler) {
        assertOpen(plugin, 'handleRecords');
        checkRecordHandler(plugin, handler, recordHandlers);
        for (const kind of handler.kinds) recordHandlers.set(kind, { handler, plugin });
      },
      provide: (key, service, options) => services.provide(key, service, plugin, options),
      lookup: (key) => services.lookup(key),
      require: (key) => services.require(key),
    }),
    seal() {
      sealed = true;
    },
  };
}

/** Core's own record kinds, which no plug-in may handle. */
const coreKinds: ReadonlySet<string> = new Set(['agent']);

function checkRecordHandler(
  plugin: string,
  handler: RecordHandler,
  taken: ReadonlyMap<string, { plugin: string }>,
): void {
  if (typeof handler?.userOf !== 'function') {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Plug-in ${plugin} passed host.handleRecords ${handler === null || typeof handler !== 'object' ? String(handler) : 'a handler'} without a userOf function.`,
      details: { plugin, path: ['userOf'] },
      suggestions: [
        'Pass { kinds, userOf(envelope) } and return undefined from userOf for records of no user.',
      ],
    });
  }
  const kinds: unknown = handler.kinds;
  if (
    !Array.isArray(kinds) ||
    kinds.length === 0 ||
    kinds.some((kind) => typeof kind !== 'string' || kind.length === 0)
  ) {
    throw new AgentryError({
      code: 'validation_failed',
      message: `Plug-in ${plugin} passed host.handleRecords a handler whose kinds are not a non-empty list of record kinds.`,
      details: { plugin, path: ['kinds'] },
      suggestions: ["List the kinds its records are stored with, such as kinds: ['workflow-run']."],
    });
  }
  for (const field of ['inUse', 'expiresAt', 'related', 'anonymise'] as const) {
    if (handler[field] !== undefined && typeof handler[field] !== 'function') {
      throw new AgentryError({
        code: 'validation_failed',
        message: `Plug-in ${plugin} passed host.handleRecords a handler whose ${field} is not a function.`,
        details: { plugin, path: [field] },
        suggestions: [`Make ${field} a function of the stored envelope, or leave it out.`],
      });
    }
  }
  for (const kind of kinds as string[]) {
    const owner = coreKinds.has(kind) ? '@agentry/core' : taken.get(kind)?.plugin;
    if (owner !== undefined) {
      throw new AgentryError({
        code: 'plugin_duplicate',
        message: `Plug-in ${plugin} handles records of kind "${kind}", but ${owner} already does.`,
        details: { plugin, kind, owner },
        suggestions: [
          'Each record kind has one handler: store your records under a kind of your own.',
        ],
      });
    }
  }
}
