import { describe, expect, it } from 'vitest';
import { notificationChannelSchema } from './notification-channel.js';

describe('notificationChannelSchema', () => {
  describe('safeParse', () => {
    it.each([
      ['email to one address', { type: 'email', configuration: { to: ['oncall@example.com'] } }],
      [
        'email to several addresses',
        {
          type: 'email',
          configuration: { to: ['a@example.com', 'first.last+tag@sub.example.org'] },
        },
      ],
      [
        'slack to an https webhook',
        {
          type: 'slack',
          configuration: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' },
        },
      ],
      [
        'a webhook over https',
        { type: 'webhook', configuration: { url: 'https://example.com/a' } },
      ],
      [
        'a webhook over http on a local port',
        { type: 'webhook', configuration: { url: 'http://localhost:8080/alerts' } },
      ],
      [
        'sms to E.164 numbers',
        { type: 'sms', configuration: { to: ['+14155550123', '+33612345678'] } },
      ],
    ])('accepts %s', (_name, input) => {
      expect(notificationChannelSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, unknown, (string | number)[], RegExp]>([
      [
        'an unknown type',
        { type: 'pager', configuration: {} },
        ['type'],
        /one of "email", "slack"/,
      ],
      ['a missing type', { configuration: { to: ['a@example.com'] } }, ['type'], /one of/],
      [
        'email with no recipient',
        { type: 'email', configuration: { to: [] } },
        ['configuration', 'to'],
        /at least one email/,
      ],
      [
        'email with a bad second address',
        { type: 'email', configuration: { to: ['a@example.com', 'not-an-address'] } },
        ['configuration', 'to', 1],
        /email address/,
      ],
      [
        'email with a single string',
        { type: 'email', configuration: { to: 'a@example.com' } },
        ['configuration', 'to'],
        /./,
      ],
      [
        'slack over http',
        { type: 'slack', configuration: { webhookUrl: 'http://hooks.slack.com/services/T/B/X' } },
        ['configuration', 'webhookUrl'],
        /https URL/,
      ],
      [
        'slack with a non-URL',
        { type: 'slack', configuration: { webhookUrl: 'hooks.slack.com' } },
        ['configuration', 'webhookUrl'],
        /https URL/,
      ],
      [
        'a webhook over ftp',
        { type: 'webhook', configuration: { url: 'ftp://example.com/a' } },
        ['configuration', 'url'],
        /http or https/,
      ],
      [
        'a webhook with no host',
        { type: 'webhook', configuration: { url: 'https://' } },
        ['configuration', 'url'],
        /http or https/,
      ],
      [
        'sms with no recipient',
        { type: 'sms', configuration: { to: [] } },
        ['configuration', 'to'],
        /at least one phone/,
      ],
      [
        'sms to a number without a country code',
        { type: 'sms', configuration: { to: ['+14155550123', '4155550123'] } },
        ['configuration', 'to', 1],
        /E\.164/,
      ],
      [
        'sms to a number with spaces',
        { type: 'sms', configuration: { to: ['+1 415 555 0123'] } },
        ['configuration', 'to', 0],
        /E\.164/,
      ],
      [
        'an unknown setting',
        { type: 'webhook', configuration: { url: 'https://example.com', method: 'PUT' } },
        ['configuration'],
        /Unrecognized key/,
      ],
      ['a missing configuration', { type: 'sms' }, ['configuration'], /./],
    ])('rejects %s at its path', (_name, input, path, message) => {
      const issues = notificationChannelSchema.safeParse(input).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path, message: expect.stringMatching(message) }),
      ]);
    });

    it('rejects the settings of another type as unknown, and reports the missing one', () => {
      const issues = notificationChannelSchema.safeParse({
        type: 'slack',
        configuration: { to: ['a@example.com'] },
      }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path: ['configuration', 'webhookUrl'] }),
        expect.objectContaining({
          code: 'unrecognized_keys',
          keys: ['to'],
          path: ['configuration'],
        }),
      ]);
    });
  });
});
