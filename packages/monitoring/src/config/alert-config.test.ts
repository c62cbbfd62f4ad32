import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertConfigSchema, type AlertConfig } from './alert-config.js';

const valid: AlertConfig = {
  type: 'error',
  threshold: 5,
  severity: 'high',
  channels: [
    {
      type: 'email',
      configuration: {
        to: ['oncall@example.com'],
        from: 'agentry@example.com',
        host: 'smtp.example.com',
      },
    },
  ],
};

describe('alertConfigSchema', () => {
  describe('safeParse', () => {
    it.each<[string, Partial<AlertConfig>]>([
      ['an error alert', {}],
      ['a zero threshold', { threshold: 0 }],
      ['a fractional threshold', { type: 'performance', threshold: 0.25, severity: 'low' }],
      ['a security alert', { type: 'security', severity: 'critical' }],
      ['a medium alert', { severity: 'medium' }],
    ])('accepts %s', (_name, patch) => {
      const input = { ...valid, ...patch };
      expect(alertConfigSchema.safeParse(input)).toEqual({ success: true, data: input });
    });

    it.each<[string, Record<string, unknown>, (string | number)[], RegExp]>([
      ['a negative threshold', { threshold: -1 }, ['threshold'], /finite number, 0 or more/],
      ['an infinite threshold', { threshold: Number.POSITIVE_INFINITY }, ['threshold'], /finite/],
      ['a NaN threshold', { threshold: Number.NaN }, ['threshold'], /finite/],
      ['a string threshold', { threshold: '5' }, ['threshold'], /finite/],
      ['no channel', { channels: [] }, ['channels'], /at least one channel/],
      [
        'a bad channel, at its index',
        {
          channels: [
            ...(valid.channels as unknown[]),
            {
              type: 'sms',
              configuration: {
                to: ['555-0123'],
                from: '+14155550100',
                accountSid: 'AC01',
                authToken: randomUUID(),
              },
            },
          ],
        },
        ['channels', 1, 'configuration', 'to', 0],
        /E\.164/,
      ],
      ['an unknown type', { type: 'cost' }, ['type'], /./],
      ['an unknown severity', { severity: 'urgent' }, ['severity'], /./],
      ['an unknown key', { cooldown: 60 }, [], /Unrecognized key/],
    ])('rejects %s at its path', (_name, patch, path, message) => {
      const issues = alertConfigSchema.safeParse({ ...valid, ...patch }).error?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path, message: expect.stringMatching(message) }),
      ]);
    });
  });
});
