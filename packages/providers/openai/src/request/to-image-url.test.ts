import { describe, expect, it } from 'vitest';
import { toImageUrl } from './to-image-url.js';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]);

describe('toImageUrl', () => {
  it('sends https and data URLs as they are', () => {
    expect(toImageUrl({ type: 'image', image: 'https://example.com/a.png' }, 'p')).toBe(
      'https://example.com/a.png',
    );
    expect(toImageUrl({ type: 'image', image: 'data:image/gif;base64,R0lG' }, 'p')).toBe(
      'data:image/gif;base64,R0lG',
    );
  });

  it('makes a data URL of bytes and of base64 text, with the media type given or recognised', () => {
    const base64 = Buffer.from(jpeg).toString('base64');
    expect(toImageUrl({ type: 'image', image: jpeg }, 'p')).toBe(
      `data:image/jpeg;base64,${base64}`,
    );
    expect(toImageUrl({ type: 'image', image: base64, mediaType: 'image/webp' }, 'p')).toBe(
      `data:image/webp;base64,${base64}`,
    );
  });

  it('refuses bytes of an unknown format without a media type, naming the path', () => {
    expect(() =>
      toImageUrl({ type: 'image', image: new Uint8Array([1, 2, 3]) }, 'messages[0].content[1]'),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        message: expect.stringContaining('messages[0].content[1]'),
      }),
    );
  });
});
