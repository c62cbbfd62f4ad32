import {
  FunctionCallingConfigMode,
  type Content,
  type GenerateContentConfig,
  type Part,
  type ToolConfig,
} from '@google/genai';
import {
  AgentryError,
  type ImagePart,
  type ModelAssistantMessage,
  type ModelRequest,
  type ToolChoice,
  type ToolResultPart,
} from '@agentry/core';
import { GOOGLE_METADATA_KEY, thoughtSignatureOf } from './thought-signature.js';

/**
 * What Gemini checks a replayed function call against when it carries no thought signature of its
 * own (a call another provider made, or one from before signatures existed): Google's documented
 * value for skipping the check.
 */
const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** The request body parts Agentry sets: the conversation and the generation config. */
export interface GeminiRequest {
  /** The conversation as Gemini contents (roles `user` and `model`). */
  contents: Content[];
  /** System instructions, tools, parameters and the response format. */
  config: GenerateContentConfig;
}

/**
 * Builds the `contents` and `config` of a `generateContent` call from a model request:
 *
 * - `system` and every system message become `systemInstruction` (Gemini has no system turns),
 *   in order;
 * - user messages become `user` contents; assistant messages `model` contents, with reasoning that
 *   carries a Gemini thought signature sent back as it came (see {@link thoughtSignatureOf}); tool
 *   calls keep their ids (`functionCall.id`), and tool results become `functionResponse` parts
 *   with the call's id and the tool's name (`{ output }`, or `{ error }` when `isError`), in a
 *   `user` content; neighbouring contents of one role are merged;
 * - images: bytes and `data:` URLs as `inlineData`, `http(s):` and `gs:` URLs as `fileData`;
 * - tools as `functionDeclarations` with `parametersJsonSchema`; the tool choice as
 *   `functionCallingConfig` (`AUTO`, `NONE`, `ANY`, or `ANY` with `allowedFunctionNames`);
 * - JSON output as `responseMimeType: application/json` with `responseJsonSchema`;
 * - `temperature`, `maxOutputTokens`, `topP`, `stopSequences`, `seed`;
 * - `providerOptions.google` last, so that it can set anything else (`thinkingConfig`,
 *   `safetySettings`, `cachedContent`, …) or override the above.
 *
 * @throws AgentryError `invalid_request` for an image given as bytes without a media type
 * @internal
 */
export function toGeminiRequest(request: ModelRequest): GeminiRequest {
  const system: Part[] = [];
  if (request.system !== undefined && request.system !== '') system.push({ text: request.system });
  const contents: Content[] = [];
  const add = (role: 'user' | 'model', parts: Part[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else contents.push({ role, parts });
  };

  request.messages.forEach((message, messageIndex) => {
    switch (message.role) {
      case 'system':
        if (message.content !== '') system.push({ text: message.content });
        break;
      case 'user':
        add(
          'user',
          message.content.flatMap((part, partIndex): Part[] => {
            if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
            return [imagePartOf(part, ['messages', messageIndex, 'content', partIndex])];
          }),
        );
        break;
      case 'assistant':
        add('model', assistantParts(message));
        break;
      case 'tool':
        add('user', message.content.map(functionResponseOf));
        break;
    }
  });

  const config: GenerateContentConfig = {};
  if (system.length > 0) config.systemInstruction = { parts: system };
  const { parameters } = request;
  if (parameters?.temperature !== undefined) config.temperature = parameters.temperature;
  if (parameters?.maxTokens !== undefined) config.maxOutputTokens = parameters.maxTokens;
  if (parameters?.topP !== undefined) config.topP = parameters.topP;
  if (parameters?.stop !== undefined && parameters.stop.length > 0) {
    config.stopSequences = parameters.stop;
  }
  if (parameters?.seed !== undefined) config.seed = parameters.seed;
  if (request.tools !== undefined && request.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parametersJsonSchema: tool.inputSchema,
        })),
      },
    ];
    if (request.toolChoice !== undefined) config.toolConfig = toolConfigOf(request.toolChoice);
  }
  if (request.responseFormat?.type === 'json') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = request.responseFormat.schema;
  }
  const vendor = request.providerOptions?.[GOOGLE_METADATA_KEY];
  if (vendor !== undefined) Object.assign(config, vendor);
  return { contents, config };
}

function toolConfigOf(choice: ToolChoice): ToolConfig {
  if (choice === 'auto') return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
  if (choice === 'none') return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
  if (choice === 'required') {
    return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
  }
  return {
    functionCallingConfig: {
      mode: FunctionCallingConfigMode.ANY,
      allowedFunctionNames: [choice.toolName],
    },
  };
}

/**
 * The parts of an assistant message. A reasoning part with text and a Gemini signature goes back
 * as a thought; one with only a signature signs the function call after it, or else stands as the
 * empty signed text part Gemini streamed it in. Reasoning without a Gemini signature (another
 * provider's) is left out. A message whose calls carry no signature gets the documented skip
 * value on its first call, which Gemini 3 models require.
 */
function assistantParts(message: ModelAssistantMessage): Part[] {
  const parts: Part[] = [];
  let pendingSignature: string | undefined;
  let signedCall = false;
  let firstCall: Part | undefined;
  const flush = (): void => {
    if (pendingSignature !== undefined)
      parts.push({ text: '', thoughtSignature: pendingSignature });
    pendingSignature = undefined;
  };
  for (const part of message.content) {
    if (part.type === 'reasoning') {
      flush();
      const signature = thoughtSignatureOf(part.providerMetadata);
      if (signature === undefined) continue;
      if (part.text === '') pendingSignature = signature;
      else parts.push({ text: part.text, thought: true, thoughtSignature: signature });
      continue;
    }
    if (part.type === 'tool-call') {
      const call: Part = {
        functionCall: { id: part.toolCallId, name: part.toolName, args: argsOf(part.input) },
      };
      if (pendingSignature !== undefined) {
        call.thoughtSignature = pendingSignature;
        pendingSignature = undefined;
        signedCall = true;
      }
      firstCall ??= call;
      parts.push(call);
      continue;
    }
    flush();
    if (part.text !== '') parts.push({ text: part.text });
  }
  flush();
  if (firstCall !== undefined && !signedCall) firstCall.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  return parts;
}

/** A call's arguments as the object Gemini wants; text that is not a JSON object sends `{}`. */
function argsOf(input: string): Record<string, unknown> {
  if (input.trim() === '') return {};
  try {
    const parsed = JSON.parse(input) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function functionResponseOf(part: ToolResultPart): Part {
  return {
    functionResponse: {
      id: part.toolCallId,
      name: part.toolName,
      // The keys Gemini reads: "output" for a result, "error" for a failure.
      response: part.isError === true ? { error: part.output } : { output: part.output },
    },
  };
}

const dataUrlPattern = /^data:([^;,]+)?((?:;[^;,]*)*?);base64,(.*)$/s;

const imageExtensions: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imagePartOf(part: ImagePart, path: (string | number)[]): Part {
  const { image, mediaType } = part;
  if (image instanceof Uint8Array) {
    return { inlineData: { mimeType: requireMediaType(mediaType, path), data: toBase64(image) } };
  }
  const dataUrl = dataUrlPattern.exec(image);
  if (dataUrl !== null) {
    const mimeType = mediaType ?? dataUrl[1];
    return { inlineData: { mimeType: requireMediaType(mimeType, path), data: dataUrl[3] ?? '' } };
  }
  if (/^(?:https?|gs):\/\//i.test(image)) {
    const mimeType = mediaType ?? mediaTypeOfUrl(image);
    return { fileData: { fileUri: image, ...(mimeType !== undefined ? { mimeType } : {}) } };
  }
  return { inlineData: { mimeType: requireMediaType(mediaType, path), data: image } };
}

function mediaTypeOfUrl(url: string): string | undefined {
  const pathname = /^[a-z]+:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : imageExtensions[extension];
}

function requireMediaType(mediaType: string | undefined, path: (string | number)[]): string {
  if (mediaType !== undefined && mediaType !== '') return mediaType;
  throw new AgentryError({
    code: 'invalid_request',
    message: `The image at ${path.join('.')} is given as bytes without a media type; Gemini needs one for inline data.`,
    details: { provider: 'google', path },
    suggestions: ['Set mediaType on the image part (image/png, image/jpeg, image/webp, …).'],
  });
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
