import type { Agent } from '../agent/agent-interface.js';
import type { ModelMiddleware, ToolMiddleware } from '../agent/middleware.js';
import { AgentryError } from '../errors/index.js';
import { createInstanceEventBus, type InstanceEventBus } from '../plugins/plugin-events.js';
import { createConsoleLogger, createDelegatingLogger, type Logger } from '../plugins/logger.js';
import {
  createServiceRegistry,
  services as serviceKeys,
  type ServiceRegistry,
} from '../plugins/plugin-services.js';
import type { PluginHost, StoreWrapper } from '../plugins/plugin-types.js';
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
    | 'useModelMiddleware'
    | 'useToolMiddleware'
    | 'wrapStore'
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
    createConsoleLogger(),
  );
  const modelMiddleware: ModelMiddleware[] = [];
  const toolMiddleware: ToolMiddleware[] = [];
  const wrappers: StoreWrapper[] = [];
  let sealed = false;

  const check = (plugin: string, method: string, value: unknown) => {
    if (sealed) {
      throw new AgentryError({
        code: 'invalid_transition',
        message: `Plug-in ${plugin} called host.${method} after set-up; hooks are registered in setup().`,
        details: { plugin, method },
        suggestions: [`Call host.${method} inside the plug-in's setup(), before it returns.`],
      });
    }
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
    wrap(store, name) {
      let wrapped = store;
      for (const wrapper of wrappers) wrapped = wrapper(wrapped, name);
      return wrapped;
    },
    hostMethods: (plugin) => ({
      events$: bus.events$,
      logger: logger.child({ plugin }),
      emit: (event) => bus.emit(plugin, event),
      useModelMiddleware(middleware) {
        check(plugin, 'useModelMiddleware', middleware);
        modelMiddleware.push(middleware);
      },
      useToolMiddleware(middleware) {
        check(plugin, 'useToolMiddleware', middleware);
        toolMiddleware.push(middleware);
      },
      wrapStore(wrapper) {
        check(plugin, 'wrapStore', wrapper);
        wrappers.push(wrapper);
      },
      provide: (key, service) => services.provide(key, service, plugin),
      lookup: (key) => services.lookup(key),
      require: (key) => services.require(key),
    }),
    seal() {
      sealed = true;
    },
  };
}
