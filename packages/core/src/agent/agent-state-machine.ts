import { AgentryError } from '../errors/index.js';

/**
 * Where an agent is in its life: the states of the specification's diagram, plus `shut-down`.
 *
 * @example
 * ```ts
 * import { allowedEvents, type Agent, type AgentLifecycleState } from '@agentry/core';
 *
 * declare const agent: Agent;
 * const state: AgentLifecycleState = agent.lifecycle;
 * if (state === 'error') console.log('Call retry() or abort(); allowed:', allowedEvents(state));
 * ```
 */
export type AgentLifecycleState =
  'created' | 'idle' | 'processing' | 'error' | 'paused' | 'shut-down';

/**
 * What moves an agent from one state to another, named as in the specification.
 *
 * @example
 * ```ts
 * import { nextAgentState, type AgentLifecycleEvent } from '@agentry/core';
 *
 * // The state diagram as data: what an event does in a state (throws `invalid_transition` if not allowed).
 * const event: AgentLifecycleEvent = 'pause';
 * console.log(nextAgentState('processing', event).to); // "paused"
 * ```
 */
export type AgentLifecycleEvent =
  | 'start'
  | 'receiveMessage'
  | 'completeTask'
  | 'exception'
  | 'retry'
  | 'abort'
  | 'pause'
  | 'resume'
  | 'shutdown';

/**
 * The specification's state diagram, and nothing else: `[*] -initialize()-> Created -start->
 * Idle -receiveMessage-> Processing -completeTask-> Idle; Processing -exception-> Error -retry->
 * Processing; Error -abort-> Idle; Processing -pause-> Paused -resume-> Processing; Idle
 * -shutdown-> [*]`.
 */
export const agentTransitions: Readonly<
  Record<AgentLifecycleState, Readonly<Partial<Record<AgentLifecycleEvent, AgentLifecycleState>>>>
> = {
  created: { start: 'idle' },
  idle: { receiveMessage: 'processing', shutdown: 'shut-down' },
  processing: { completeTask: 'idle', exception: 'error', pause: 'paused' },
  error: { retry: 'processing', abort: 'idle' },
  paused: { resume: 'processing' },
  'shut-down': {},
};

/**
 * One change of state.
 *
 * @example
 * ```ts
 * import { nextAgentState, type AgentTransition } from '@agentry/core';
 *
 * const transition: AgentTransition = nextAgentState('idle', 'receiveMessage');
 * console.log(`${transition.from} -${transition.event}-> ${transition.to}`); // idle -receiveMessage-> processing
 * ```
 */
export interface AgentTransition {
  /** The state left. */
  from: AgentLifecycleState;
  /** The event that moved it. */
  event: AgentLifecycleEvent;
  /** The state entered. */
  to: AgentLifecycleState;
}

/** The events allowed in a state, in the diagram's order. */
export function allowedEvents(state: AgentLifecycleState): AgentLifecycleEvent[] {
  return Object.keys(agentTransitions[state]) as AgentLifecycleEvent[];
}

/**
 * Applies an event to a state and returns the transition, or throws when the diagram has no such
 * arrow.
 *
 * @throws AgentryError `invalid_transition` naming the state, the event and the allowed events
 * @example
 * ```ts
 * nextAgentState('idle', 'receiveMessage'); // { from: 'idle', event: 'receiveMessage', to: 'processing' }
 * nextAgentState('idle', 'resume'); // throws invalid_transition
 * ```
 */
export function nextAgentState(
  state: AgentLifecycleState,
  event: AgentLifecycleEvent,
): AgentTransition {
  const to = agentTransitions[state][event];
  if (to === undefined) {
    const allowed = allowedEvents(state);
    throw new AgentryError({
      code: 'invalid_transition',
      message: `An agent in state "${state}" cannot ${event}; allowed here: ${allowed.length > 0 ? allowed.join(', ') : 'nothing (it has shut down)'}.`,
      details: { state, event, allowed },
      suggestions:
        allowed.length > 0
          ? [`Call one of: ${allowed.join(', ')}.`]
          : ['Create a new agent; this one has shut down.'],
    });
  }
  return { from: state, event, to };
}
