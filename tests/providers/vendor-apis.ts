import { randomBytes } from 'node:crypto';
import { createAnthropic } from '@agentry/anthropic';
import {
  AgentryError,
  type LanguageModel,
  type ModelRequest,
  type ModelStreamPart,
  type ProviderConnectionOptions,
} from '@agentry/core';
import { createGoogle } from '@agentry/google';
import { createOpenAI } from '@agentry/openai';
import type { EmulatorApi } from '@agentry/testing';

const random = (length: number) =>
  randomBytes(length).toString('base64url').replace(/[-_]/g, 'a').slice(0, length);

/** One vendor API as the provider tests drive it. */
export interface VendorApi {
  /** The API's name in test titles. */
  name: string;
  /** The emulator's wire format. */
  api: EmulatorApi;
  /** A model the provider's catalogue knows. */
  modelId: string;
  /** A key in the vendor's format, made at run time so that no key sits in the sources. */
  key(): string;
  /** A provider for the API. */
  create(options: ProviderConnectionOptions): {
    createModel(id: string): LanguageModel;
    close(): Promise<void>;
  };
}

/** The four APIs the providers speak. */
export const vendorApis: VendorApi[] = [
  {
    name: 'openai chat',
    api: 'openai-chat',
    modelId: 'gpt-5.4-mini',
    key: () => `sk-proj-${random(64)}`,
    create: (options) => createOpenAI({ ...options, api: 'chat' }),
  },
  {
    name: 'openai responses',
    api: 'openai-responses',
    modelId: 'gpt-5.4-mini',
    key: () => `sk-proj-${random(64)}`,
    create: (options) => createOpenAI({ ...options, api: 'responses' }),
  },
  {
    name: 'anthropic',
    api: 'anthropic',
    modelId: 'claude-haiku-5-5',
    key: () => `sk-ant-api03-${random(95)}AA`,
    create: (options) => createAnthropic(options),
  },
  {
    name: 'google',
    api: 'google',
    modelId: 'gemini-3.5-flash',
    key: () => `AIza${random(35)}`,
    create: (options) => createGoogle(options),
  },
];

/** A request of one user message. */
export const ask = (text: string): ModelRequest => ({
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
});

/** Reads a stream to its end. */
export async function drain(stream: AsyncIterable<ModelStreamPart>): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The `AgentryError` a call fails with: thrown, or sent as a stream's `error` part. */
export async function failureOf(work: () => Promise<unknown>): Promise<AgentryError> {
  let outcome: unknown;
  try {
    outcome = await work();
  } catch (error) {
    if (AgentryError.isInstance(error)) return error;
    throw new Error(`Expected an AgentryError, got ${String(error)}`, { cause: error });
  }
  const part = Array.isArray(outcome)
    ? (outcome as ModelStreamPart[]).find((each) => each.type === 'error')
    : undefined;
  if (part?.type === 'error' && AgentryError.isInstance(part.error)) return part.error;
  throw new Error('Expected a failure, but the call succeeded.');
}
