import type { z } from 'zod';
import type { LanguageModel, ModelParameters } from '../model/index.js';
import type { Authorizer, AuthorizationPrincipal } from '../plugins/plugin-services.js';
import type { Clock } from '../resilience/index.js';
import type { AgentInstance } from '../schemas/agent-instance.js';
import type { ResourceLimits } from '../schemas/resource-limits.js';
import type { StateStore } from '../stores/index.js';
import type { Tool } from './define-tool.js';
import type { ModelMiddleware, SendAdmission, ToolMiddleware } from './middleware.js';
import type { ModelRouter } from './model-router-types.js';

/** Resource limits an agent gets when its context names none (see {@link AgentOptions.context}). */
export const defaultResourceLimits: Readonly<ResourceLimits> = Object.freeze({
  maxMemory: 8 * 1024 * 1024,
  maxCpu: 60_000,
  maxConnections: 8,
  maxTokensPerMinute: 1_000_000,
});

/**
 * The largest tool-call arguments an agent reads when its options set no `maxToolInputBytes`:
 * 1 MiB of UTF-8. Larger arguments are refused before they are parsed.
 *
 * @example
 * ```ts
 * const agent = createAgent({ model, tools, maxToolInputBytes: 4 * defaultMaxToolInputBytes });
 * ```
 */
export const defaultMaxToolInputBytes = 1024 * 1024;

/**
 * How {@link createAgent} builds an agent.
 *
 * @example
 * ```ts
 * import { createAgent, type AgentOptions, type LanguageModel, type Tool } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * declare const tools: Tool[];
 * const options: AgentOptions = {
 *   model,
 *   instructions: 'Answer in one sentence.',
 *   tools,
 *   maxSteps: 5,
 *   toolTimeout: 10_000,
 *   context: { userId: 'user-42', permissions: ['weather:read'] },
 * };
 * const agent = createAgent(options);
 * ```
 */
export interface AgentOptions {
  /** The agent's id, a UUID; a new one by default. */
  id?: string;
  /** The model, or a router over a primary model and its fallbacks (`agentry.createAgent` builds one from the configuration). */
  model: LanguageModel | ModelRouter;
  /** System instructions sent with every request. */
  instructions?: string;
  /** The tools the agent may call. */
  tools?: readonly Tool[];
  /** The most model steps in one turn (default 10); a turn that still wants tools then ends with `tool-calls`. */
  maxSteps?: number;
  /** Sampling parameters for every request. */
  parameters?: ModelParameters;
  /** Who the agent works for and within which bounds; omitted fields take documented defaults. */
  context?: {
    /** The session; a new UUID by default. */
    sessionId?: string;
    /** The user served, when known. */
    userId?: string;
    /** Permissions the agent holds; checked by tools and passed to middleware. */
    permissions?: readonly string[];
    /** Limits; each omitted one takes its value from {@link defaultResourceLimits}. */
    resourceLimits?: Partial<ResourceLimits>;
    /** The longest a whole turn may take, in milliseconds, time spent paused excluded (default 120 000). */
    timeout?: number;
  };
  /** When the tokens-per-minute budget is spent: wait for it to refill (default) or refuse with `limit_exceeded`. */
  onTokenLimit?: 'wait' | 'refuse';
  /** The timeout of a tool that sets none, in milliseconds (default 30 000). */
  toolTimeout?: number;
  /**
   * The largest arguments of one tool call, in UTF-8 bytes, that the agent reads (default
   * {@link defaultMaxToolInputBytes}, 1 MiB). Larger arguments are refused before they are
   * parsed: the model gets a `limit_exceeded` error result, the tool does not run, and the call
   * is kept with the first 1,024 characters of its arguments.
   */
  maxToolInputBytes?: number;
  /**
   * The policy-decision point asked before each send and each tool call (before the tool's
   * arguments are read); a denied send fails with `permission_denied`, a denied tool call goes
   * back to the model as a refusal and is never run. `agentry.createAgent` passes the instance's
   * `services.authorizer` (from `@agentry/security`) when one is provided. Without one, nothing
   * is refused.
   */
  authorizer?: Authorizer;
  /**
   * Checks each sent turn passes before it joins the queue, in order, after the authorizer's
   * check of the send (see {@link SendAdmission}). `agentry.createAgent` puts plug-ins' checks
   * (`@agentry/security`'s rate limits) before these.
   */
  admission?: readonly SendAdmission[];
  /** Middleware around model calls and tool calls. */
  middleware?: {
    /** Around every model call, outermost first. */
    model?: readonly ModelMiddleware[];
    /** Around every tool call, outermost first. */
    tool?: readonly ToolMiddleware[];
  };
  /** Marks the agent real-time: a step whose latency to first output exceeds `threshold` ms (default 200) is flagged. */
  realtime?: {
    /** The latency to first output above which a step is flagged, in milliseconds (default 200). */
    threshold?: number;
  };
  /** Where the agent persists its state after every completed step. */
  store?: StateStore;
  /** Starts the agent (Created -> Idle) at once; default true. */
  autoStart?: boolean;
  /** The clock for timers and times (tests inject a fake one). */
  clock?: Clock;
  /** Makes ids for runs and messages; random (version 4) UUIDs by default. */
  generateId?: () => string;
  /** @internal State restored from a store. */
  restored?: { instance: AgentInstance; revision: number };
}

/**
 * What {@link Agent.send} takes: text, or text with images.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createAgent, type LanguageModel, type SendInput } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * const agent = createAgent({ model });
 * // Plain text, or text with images for a model that supports vision.
 * const question: SendInput = {
 *   text: 'What is wrong with this chart?',
 *   images: [{ data: readFileSync('chart.png'), mediaType: 'image/png' }, { url: 'https://example.com/legend.png' }],
 * };
 * const { text } = await agent.send(question);
 * ```
 */
export type SendInput =
  | string
  | {
      /** The message's text. */
      text: string;
      /** Images sent with it, by URL or as bytes; the model must read images. */
      images?: readonly (
        | {
            /** An `https:` or `data:` URL. */
            url: string;
          }
        | {
            /** The image's bytes. */
            data: Uint8Array;
            /** The media type, such as `image/png`. */
            mediaType: string;
          }
      )[];
    };

/**
 * Options of one turn.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type SendOptions } from '@agentry/core';
 * import { z } from 'zod';
 *
 * declare const model: LanguageModel;
 * const agent = createAgent({ model });
 * const city = z.object({ name: z.string(), country: z.string() });
 * // Structured output, and a turn given up after 20 s.
 * const options: SendOptions<z.infer<typeof city>> = { output: city, signal: AbortSignal.timeout(20_000) };
 * const { output } = await agent.send('Which city hosts the Web Summit?', options);
 * console.log(output.name, output.country);
 * ```
 */
export interface SendOptions<TOutput> {
  /** A schema for structured output: the model answers in JSON, validated into `result.output`. */
  output?: z.ZodType<TOutput>;
  /** Aborts the turn. */
  signal?: AbortSignal;
  /**
   * The user (or service) this turn is sent on behalf of, when the agent serves several: the
   * authorizer checks the send (`update` on `agents:<id>`) and every tool call of the turn for
   * this principal, bounded by the agent's `context.permissions`. Defaults to a user principal for
   * `context.userId`, or to the agent itself when it has no user.
   */
  principal?: AuthorizationPrincipal;
}

/**
 * Whether a real-time agent keeps within its latency threshold.
 *
 * @example
 * ```ts
 * import { createAgent, type LanguageModel, type RealtimeCompliance } from '@agentry/core';
 *
 * declare const model: LanguageModel;
 * // A real-time agent: each step should answer within 500 ms.
 * const agent = createAgent({ model, realtime: { threshold: 500 } });
 * await agent.send('Hi');
 * const realtime: RealtimeCompliance | undefined = agent.realtime;
 * if (realtime && !realtime.compliant) console.warn(`${realtime.violations} slow steps`);
 * ```
 */
export interface RealtimeCompliance {
  /** The threshold in milliseconds. */
  threshold: number;
  /** Whether the moving response time is under the threshold. */
  compliant: boolean;
  /** How many steps exceeded it. */
  violations: number;
}
