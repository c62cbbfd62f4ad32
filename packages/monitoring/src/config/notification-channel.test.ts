import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notificationChannelSchema } from './notification-channel.js';

const smtp = { from: 'agentry@example.com', host: 'smtp.example.com' };
const signingSecret = ['whsec', randomUUID()].join('-');
const gateway = {
  from: '+14155550100',
  accountSid: 'AC0123456789abcdef',
  authToken: ['token', randomUUID()].join('-'),
};

describe('notificationChannelSchema', () => {
  describe('safeParse', () => {
    it.each([
      [
        'email to one address',
        { type: 'email', configuration: { to: ['oncall@example.com'], ...smtp } },
      ],
      [
        'email to several addresses',
        {
          type: 'email',
          configuration: { to: ['a@example.com', 'first.last+tag@sub.example.org'], ...smtp },
        },
      ],
      [
        'email with every SMTP setting',
        {
          type: 'email',
          configuration: {
            to: ['a@example.com'],
            ...smtp,
            port: 2525,
            secure: false,
            requireTLS: true,
            auth: { user: 'alerts', password: randomUUID() },
            ca: '-----BEGIN CERTIFICATE-----',
          },
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
        'slack over http to a loopback host, with a link',
        {
          type: 'slack',
          configuration: {
            webhookUrl: 'http://127.0.0.1:9000/hook',
            linkUrl: 'https://grafana.example.com/d/agentry',
          },
        },
      ],
      [
        'a webhook over https',
        { type: 'webhook', configuration: { url: 'https://example.com/a', secret: signingSecret } },
      ],
      [
        'a webhook over http on a local port',
        {
          type: 'webhook',
          configuration: { url: 'http://localhost:8080/alerts', secret: signingSecret },
        },
      ],
      [
        'sms to E.164 numbers',
        { type: 'sms', configuration: { to: ['+14155550123', '+33612345678'], ...gateway } },
      ],
      [
        'sms through another gateway',
        {
          type: 'sms',
          configuration: { to: ['+14155550123'], ...gateway, baseUrl: 'http://127.0.0.1:8081' },
        },
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
        { type: 'email', configuration: { to: [], ...smtp } },
        ['configuration', 'to'],
        /at least one email/,
      ],
      [
        'email with a bad second address',
        { type: 'email', configuration: { to: ['a@example.com', 'not-an-address'], ...smtp } },
        ['configuration', 'to', 1],
        /email address/,
      ],
      [
        'email with a single string',
        { type: 'email', configuration: { to: 'a@example.com', ...smtp } },
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
        { type: 'webhook', configuration: { url: 'ftp://example.com/a', secret: signingSecret } },
        ['configuration', 'url'],
        /http or https/,
      ],
      [
        'a webhook with no host',
        { type: 'webhook', configuration: { url: 'https://', secret: signingSecret } },
        ['configuration', 'url'],
        /http or https/,
      ],
      [
        'sms with no recipient',
        { type: 'sms', configuration: { to: [], ...gateway } },
        ['configuration', 'to'],
        /at least one phone/,
      ],
      [
        'sms to a number without a country code',
        { type: 'sms', configuration: { to: ['+14155550123', '4155550123'], ...gateway } },
        ['configuration', 'to', 1],
        /E\.164/,
      ],
      [
        'sms to a number with spaces',
        { type: 'sms', configuration: { to: ['+1 415 555 0123'], ...gateway } },
        ['configuration', 'to', 0],
        /E\.164/,
      ],
      [
        'an unknown setting',
        {
          type: 'webhook',
          configuration: { url: 'https://example.com', secret: signingSecret, method: 'PUT' },
        },
        ['configuration'],
        /Unrecognized key/,
      ],
      ['a missing configuration', { type: 'sms' }, ['configuration'], /./],
      [
        'email without a sender',
        { type: 'email', configuration: { to: ['a@example.com'], host: 'smtp.example.com' } },
        ['configuration', 'from'],
        /./,
      ],
      [
        'email without an SMTP host',
        { type: 'email', configuration: { to: ['a@example.com'], from: 'agentry@example.com' } },
        ['configuration', 'host'],
        /SMTP server/,
      ],
      [
        'email on port 0',
        { type: 'email', configuration: { to: ['a@example.com'], ...smtp, port: 0 } },
        ['configuration', 'port'],
        /1 to 65535/,
      ],
      [
        'email with an unknown auth setting',
        {
          type: 'email',
          configuration: {
            to: ['a@example.com'],
            ...smtp,
            auth: { user: 'u', password: randomUUID(), method: 'CRAM-MD5' },
          },
        },
        ['configuration', 'auth'],
        /Unrecognized key/,
      ],
      [
        'slack over http to a public host via a loopback-looking path',
        { type: 'slack', configuration: { webhookUrl: 'http://example.com/127.0.0.1' } },
        ['configuration', 'webhookUrl'],
        /https URL/,
      ],
      [
        'a webhook without a secret (it would send unsigned alerts)',
        { type: 'webhook', configuration: { url: 'https://example.com/a' } },
        ['configuration', 'secret'],
        /secret is required.*\$\{env:ALERT_WEBHOOK_SECRET\}/,
      ],
      [
        'a webhook with a secret that is not a string',
        { type: 'webhook', configuration: { url: 'https://example.com/a', secret: 1234 } },
        ['configuration', 'secret'],
        /must be a string/,
      ],
      [
        'a webhook with a short secret',
        { type: 'webhook', configuration: { url: 'https://example.com/a', secret: 'short' } },
        ['configuration', 'secret'],
        /at least 16/,
      ],
      [
        'sms from a number not in E.164 form',
        { type: 'sms', configuration: { to: ['+14155550123'], ...gateway, from: '0800 123' } },
        ['configuration', 'from'],
        /E\.164/,
      ],
      [
        'sms without a gateway account',
        {
          type: 'sms',
          configuration: { to: ['+14155550123'], from: '+14155550100', authToken: 'x' },
        },
        ['configuration', 'accountSid'],
        /./,
      ],
      [
        'sms through a gateway that is not http(s)',
        { type: 'sms', configuration: { to: ['+14155550123'], ...gateway, baseUrl: 'ftp://x.io' } },
        ['configuration', 'baseUrl'],
        /http or https/,
      ],
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
