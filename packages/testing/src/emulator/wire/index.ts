import type { WireFormat } from '../emulator-types.js';
import { anthropicWire } from './anthropic.js';
import { googleWire } from './google.js';
import { openaiChatWire } from './openai-chat.js';
import { openaiResponsesWire } from './openai-responses.js';

/** @internal The wire formats the emulator speaks unless told otherwise. */
export const defaultWireFormats: readonly WireFormat[] = [
  openaiChatWire,
  openaiResponsesWire,
  anthropicWire,
  googleWire,
];
