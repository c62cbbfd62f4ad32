import { AgentryError } from '../errors/agentry-error.js';
import type { LanguageModel } from '../model/language-model.js';
import type { ModelRequest } from '../model/model-request.js';

/**
 * Returns the `invalid_request` error for the first message of `request` that holds an image, or
 * `undefined` when there is none.
 *
 * @internal
 */
export function findImageRefusal(
  model: LanguageModel,
  request: ModelRequest,
): AgentryError | undefined {
  const { messages } = request;
  for (let messageIndex = 0; messageIndex < messages.length; messageIndex += 1) {
    const content = messages[messageIndex]?.content;
    if (typeof content === 'string' || content === undefined) continue;
    const partIndex = content.findIndex((part) => part.type === 'image');
    if (partIndex === -1) continue;
    const name = `${model.provider}:${model.modelId}`;
    return new AgentryError({
      code: 'invalid_request',
      message: `Model ${name} does not read images (capabilities.supportsVision is false), but messages[${messageIndex}].content[${partIndex}] is an image.`,
      details: {
        provider: model.provider,
        modelId: model.modelId,
        path: ['messages', messageIndex, 'content', partIndex],
      },
      suggestions: [
        `Remove the image parts, or send the request to a model that reads images instead of ${name}.`,
      ],
    });
  }
  return undefined;
}
