import type { PartialArg } from '@google/genai';
import { createProviderError, type AgentryError } from '@agentry/core';

/**
 * One function call that Gemini streams in pieces (Vertex AI's `streamFunctionCallArguments`):
 * a part with the call's name and `willContinue: true`, parts whose `partialArgs` each set one
 * argument by JSON path (a string in several pieces, chained with `willContinue`), and a last
 * part without `willContinue`. The pieces are assembled into the call's arguments object.
 *
 * @internal
 */
export class PartialFunctionCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly #args: Record<string, unknown>;
  /** The JSON path of a string whose next piece is to be appended. */
  #continuing: string | undefined;

  constructor(toolCallId: string, toolName: string, args: Record<string, unknown> | undefined) {
    this.toolCallId = toolCallId;
    this.toolName = toolName;
    this.#args = { ...args };
  }

  /**
   * Adds the arguments of one piece.
   *
   * @throws AgentryError `provider_unavailable` when a JSON path is not one this can set
   */
  add(partialArgs: readonly PartialArg[] | undefined): void {
    for (const piece of partialArgs ?? []) {
      const path = piece.jsonPath ?? '';
      const keys = parseJsonPath(path);
      if (keys === undefined || keys.length === 0) throw this.#badPath(path);
      if (piece.stringValue !== undefined) {
        const earlier = this.#continuing === path ? readPath(this.#args, keys) : undefined;
        const value = typeof earlier === 'string' ? earlier + piece.stringValue : piece.stringValue;
        if (!writePath(this.#args, keys, value)) throw this.#badPath(path);
      } else {
        const value =
          piece.numberValue ??
          piece.boolValue ??
          (piece.nullValue !== undefined ? null : undefined);
        if (!writePath(this.#args, keys, value ?? null)) throw this.#badPath(path);
      }
      this.#continuing = piece.willContinue === true ? path : undefined;
    }
  }

  /** The whole arguments as JSON text. */
  input(): string {
    return JSON.stringify(this.#args);
  }

  #badPath(path: string): AgentryError {
    return createProviderError({
      provider: 'google',
      code: 'provider_unavailable',
      message: `Gemini streamed a piece of the arguments of function call ${this.toolName} (${this.toolCallId}) at the JSON path ${JSON.stringify(path)}, which Agentry cannot assemble; the call was not run. Retry the call, or turn streamFunctionCallArguments off.`,
    });
  }
}

/** `$.a.b[0]['c']` as `['a', 'b', 0, 'c']`, or `undefined` when it is not that simple form. */
function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const keys: (string | number)[] = [];
  const pattern =
    /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) return undefined;
    const [, name, index, single, double] = match;
    if (index !== undefined) keys.push(Number(index));
    else keys.push(name ?? (single ?? double ?? '').replace(/\\(.)/g, '$1'));
  }
  return keys;
}

function readPath(root: Record<string, unknown>, keys: readonly (string | number)[]): unknown {
  let node: unknown = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/**
 * Sets the value at `keys`, making objects and arrays on the way; own properties only, so a key
 * such as `__proto__` is data, never a prototype. Returns false when a step meets a value that
 * is not a container.
 */
function writePath(
  root: Record<string, unknown>,
  keys: readonly (string | number)[],
  value: unknown,
): boolean {
  let node: Record<string | number, unknown> = root;
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (Array.isArray(node) !== (typeof key === 'number')) return false;
    if (index === keys.length - 1) {
      define(node, key, value);
      return true;
    }
    let next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) {
      next = typeof keys[index + 1] === 'number' ? [] : {};
      define(node, key, next);
    }
    if (typeof next !== 'object' || next === null) return false;
    node = next as Record<string | number, unknown>;
  }
  return false;
}

function define(
  node: Record<string | number, unknown>,
  key: string | number,
  value: unknown,
): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The error for a function call that came without a name: it never reaches the agent.
 *
 * @internal
 */
export function namelessFunctionCall(toolCallId: string): AgentryError {
  return createProviderError({
    provider: 'google',
    code: 'provider_unavailable',
    message: `Gemini sent a function call (${toolCallId}) without a name, so it cannot be run; the call was refused. If the arguments were streamed (streamFunctionCallArguments), a piece may have been lost; retry the call.`,
  });
}
