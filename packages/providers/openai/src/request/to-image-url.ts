import { AgentryError, type ImagePart } from '@agentry/core';

// Magic numbers of the image formats OpenAI reads, for bytes sent without a media type.
const signatures: readonly (readonly [string, readonly number[]])[] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/webp', [0x52, 0x49, 0x46, 0x46]],
];

function sniffMediaType(bytes: Uint8Array): string | undefined {
  return signatures.find(([, magic]) => magic.every((byte, index) => bytes[index] === byte))?.[0];
}

/**
 * The URL OpenAI takes for an image part: an `http(s):` or `data:` URL as given, bytes (a
 * `Uint8Array`, or base64 text) as a base64 `data:` URL. Bytes without a media type are
 * recognised by their first bytes (PNG, JPEG, GIF, WebP).
 *
 * @param part - the image part
 * @param path - where the part is in the request, for the error
 * @throws AgentryError `invalid_request` when the media type of bytes is neither given nor
 *   recognisable
 * @internal
 */
export function toImageUrl(part: ImagePart, path: string): string {
  const { image } = part;
  if (typeof image === 'string' && /^(https?:|data:)/i.test(image)) return image;
  const bytes = typeof image === 'string' ? Buffer.from(image, 'base64') : image;
  const mediaType = part.mediaType ?? sniffMediaType(bytes);
  if (mediaType === undefined) {
    throw new AgentryError({
      code: 'invalid_request',
      message: `The image at ${path} is bytes without a mediaType, and its format is not PNG, JPEG, GIF or WebP.`,
      details: { provider: 'openai', path },
      suggestions: [`Set ${path}.mediaType (for example "image/png").`],
    });
  }
  const base64 = typeof image === 'string' ? image : Buffer.from(image).toString('base64');
  return `data:${mediaType};base64,${base64}`;
}
