import { AgentryError, type MaskContext } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { randomString, seededRandom } from './__fixtures__/masking-corpus.js';
import { createMasker } from './create-masker.js';
import { defaultDetectors } from './default-detectors.js';
import type { Detector } from './detector.js';

const log: MaskContext = { purpose: 'log' };
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = seededRandom(5);
const openAiKey = 's' + 'k-proj-' + randomString(random, ALNUM, 48);
const anthropicKey = 's' + 'k-ant-api03-' + randomString(random, ALNUM, 60);

describe('createMasker', () => {
  const masker = createMasker();

  describe('mask', () => {
    it('replaces each find with its typed placeholder', () => {
      expect(masker.mask(`a ${openAiKey} b ${anthropicKey} c`, log)).toBe(
        'a [SECRET:openai] b [SECRET:anthropic] c',
      );
      expect(masker.mask('mail bob@example.com or +44 20 7946 0958 from 10.1.2.3', log)).toBe(
        'mail [EMAIL] or [PHONE] from [IP]',
      );
    });

    it('returns clean text as the same string, non-ASCII and escapes included', () => {
      for (const text of [
        'plain ascii, nothing here 2024-01-15',
        'Grüße aus Köln — ｆｕｌｌｗｉｄｔｈ text 😀',
        '{"path":"a\\/b","x":"\\u00e9"} 50%25 off',
        '',
      ]) {
        const masked = masker.mask(text, log);
        expect(masked).toBe(text);
      }
    });

    it('catches fullwidth digits, zero-width characters, JSON and URL escapes', () => {
      const fullwidth = '４１１１ １１１１ １１１１ １１１１';
      expect(masker.mask(`pay ${fullwidth} now`, log)).toBe('pay [CARD] now');
      const split = openAiKey.slice(0, 20) + '\u200b' + openAiKey.slice(20) + '\ufeff';
      expect(masker.mask(`key ${split}!`, log)).toBe('key [SECRET:openai]\ufeff!');
      expect(masker.mask('{"to":"bob\\u0040example.com"}', log)).toBe('{"to":"[EMAIL]"}');
      expect(masker.mask('?to=bob%40example.com&a=1', log)).toBe('?to=[EMAIL]&a=1');
      expect(masker.mask('ｂｏｂ＠ｅｘａｍｐｌｅ．ｃｏｍ', log)).toBe('[EMAIL]');
      // Only the found part is touched: the rest keeps its original characters.
      expect(masker.mask('Grüße ｆｕｌｌ, bob@example.com ​ok', log)).toBe(
        'Grüße ｆｕｌｌ, [EMAIL] ​ok',
      );
    });

    it('keeps JSON text valid JSON and masking idempotent', () => {
      const json = JSON.stringify({
        message: `line one\nwrite bob@example.com\tkey ${openAiKey}`,
        headers: { authorization: `Bearer ${randomString(random, ALNUM, 30)}` },
      });
      const masked = masker.mask(json, log);
      expect(JSON.parse(masked)).toEqual({
        message: 'line one\nwrite [EMAIL]\tkey [SECRET:openai]',
        headers: { authorization: 'Bearer [SECRET:authorization]' },
      });
      expect(masker.mask(masked, log)).toBe(masked);
      // A find right after an escape (`\n`) leaves the escape whole.
      const escaped = JSON.stringify({ to: 'x\nbob@example.com\t+44 20 7946 0958' });
      expect(JSON.parse(masker.mask(escaped, log))).toEqual({ to: 'x\n[EMAIL]\t[PHONE]' });
      const keyAfterNewline = JSON.stringify({ log: `config:\n${openAiKey}\r\n4111111111111111` });
      expect(JSON.parse(masker.mask(keyAfterNewline, log))).toEqual({
        log: 'config:\n[SECRET:openai]\r\n[CARD]',
      });
    });

    it('copies arrays and plain objects with their strings masked, and leaves the input alone', () => {
      const input = {
        user: { email: 'bob@example.com', age: 42 },
        tags: ['ok', 'ip 10.0.0.1'],
        password: 'hunter2',
        apiKey: 'plain',
        nested: { clean: ['x'] },
      };
      const masked = masker.mask(input, log);
      expect(masked).toEqual({
        user: { email: '[EMAIL]', age: 42 },
        tags: ['ok', 'ip [IP]'],
        password: '[SECRET:field]',
        apiKey: '[SECRET:field]',
        nested: { clean: ['x'] },
      });
      expect(input.user.email).toBe('bob@example.com');
    });

    it('masks object keys, and errors keeping their class', () => {
      expect(masker.mask({ 'bob@example.com': { seen: 1 } }, log)).toEqual({
        '[EMAIL]': { seen: 1 },
      });
      const error = new AgentryError({
        code: 'not_found',
        message: 'No user bob@example.com.',
        details: { email: 'bob@example.com' },
      });
      const masked = masker.mask(error, log);
      expect(AgentryError.isInstance(masked) && masked instanceof AgentryError).toBe(true);
      expect(masked.message).toBe('No user [EMAIL].');
      expect(masked.details).toEqual({ email: '[EMAIL]' });
      expect(masked.code).toBe('not_found');
      expect(masked.stack).not.toContain('bob@example.com');
      expect(error.message).toBe('No user bob@example.com.');
    });

    it('never throws on values it does not know', () => {
      const cyclic: Record<string, unknown> = { email: 'bob@example.com' };
      cyclic.self = cyclic;
      const masked = masker.mask(cyclic, log);
      expect(masked.email).toBe('[EMAIL]');
      expect(masked.self).toBe(masked);
      const date = new Date(0);
      expect(masker.mask(date, log)).toBe(date);
      expect(masker.mask(12n, log)).toBe(12n);
      expect(masker.mask(undefined, log)).toBe(undefined);
      const throwing = {
        get email(): string {
          throw new Error('boom');
        },
      };
      expect(() => masker.mask(throwing, log)).not.toThrow();
      const deep: Record<string, unknown> = {};
      let cursor = deep;
      for (let depth = 0; depth < 1000; depth += 1) cursor = cursor.next = {};
      expect(() => masker.mask(deep, log)).not.toThrow();
    });
  });

  describe('maskText', () => {
    it('takes time linear in the text on inputs made to make regexes backtrack', () => {
      const inputs = {
        jwtHeaders: 'eyJ'.repeat(60_000),
        digits: '1'.repeat(200_000),
        emails: 'a@'.repeat(100_000),
        labels: 'a@' + 'a.'.repeat(100_000),
        colons: 'ab:'.repeat(70_000),
        userInfo: '://' + 'a:'.repeat(100_000),
        keys: ('s' + 'k-').repeat(60_000),
        ibans: 'AB12 '.repeat(40_000),
        headers: 'Authorization: '.repeat(15_000),
        fullwidth: '１'.repeat(100_000),
      };
      for (const [name, text] of Object.entries(inputs)) {
        const started = performance.now();
        masker.maskText(text);
        // Each takes under 200 ms today; quadratic behaviour takes seconds to minutes.
        expect({ name, slow: performance.now() - started > 2000 }).toEqual({ name, slow: false });
      }
    });
  });

  describe('options', () => {
    it('chooses detectors by name or kind', () => {
      const text = `bob@example.com ${openAiKey} 10.0.0.1`;
      expect(createMasker({ include: ['secret'] }).maskText(text)).toBe(
        'bob@example.com [SECRET:openai] 10.0.0.1',
      );
      expect(createMasker({ exclude: ['ipv4', 'openai'] }).maskText(text)).toBe(
        `[EMAIL] ${openAiKey} 10.0.0.1`,
      );
      expect(createMasker({ sensitiveFields: [] }).mask({ password: 'x' }, log)).toEqual({
        password: 'x',
      });
    });

    it('runs a custom detector beside the built-in ones', () => {
      const employee: Detector = {
        name: 'employee',
        kind: 'personal',
        maxLength: 10,
        find: (text) =>
          [...text.matchAll(/\bEMP-\d{6}\b/g)].map((match) => ({
            start: match.index,
            end: match.index + match[0].length,
          })),
      };
      const custom = createMasker({ detectors: [...defaultDetectors, employee] });
      expect(custom.maskText('EMP-004211 is bob@example.com')).toBe('[EMPLOYEE] is [EMAIL]');
      const broken: Detector = {
        name: 'broken',
        kind: 'secret',
        maxLength: 1,
        find: () => {
          throw new Error('bug');
        },
      };
      expect(
        createMasker({ detectors: [broken, ...defaultDetectors] }).maskText('a@b.example'),
      ).toBe('[EMAIL]');
    });

    it('writes stable per-tenant pseudonyms', () => {
      const key = randomString(random, ALNUM, 32);
      const acme = createMasker({ pseudonyms: { key, tenant: 'acme' } });
      const globex = createMasker({ pseudonyms: { key, tenant: 'globex' } });
      const first = acme.maskText('bob@example.com');
      expect(first).toMatch(/^\[EMAIL:[0-9a-f]{8}\]$/);
      expect(acme.maskText('write to bob@example.com')).toBe(`write to ${first}`);
      expect(acme.maskText('ｂｏｂ＠example.com')).toBe(first);
      expect(acme.maskText('alice@example.com')).not.toBe(first);
      expect(globex.maskText('bob@example.com')).not.toBe(first);
      expect(acme.maskText(first)).toBe(first);
      const byAgent = createMasker({
        pseudonyms: { key, tenantOf: (context) => context.agentId },
      });
      expect(byAgent.mask('bob@example.com', { purpose: 'log', agentId: 'a' })).not.toBe(
        byAgent.mask('bob@example.com', { purpose: 'log', agentId: 'b' }),
      );
      expect(
        createMasker({
          pseudonyms: { key: randomString(random, ALNUM, 32), tenant: 'acme' },
        }).maskText('bob@example.com'),
      ).not.toBe(first);
    });

    it('rejects an empty pseudonym key and invalid detectors with config_invalid', () => {
      const attempts = [
        () => createMasker({ pseudonyms: { key: '' } }),
        () =>
          createMasker({
            detectors: [
              { name: 'x', kind: 'secret', label: 'bad label', maxLength: 5, find: () => [] },
            ],
          }),
        () =>
          createMasker({
            detectors: [{ name: 'x', kind: 'secret', maxLength: 0, find: () => [] }],
          }),
      ];
      for (const attempt of attempts) {
        try {
          attempt();
          expect.unreachable();
        } catch (error) {
          expect(AgentryError.isInstance(error) && error.code).toBe('config_invalid');
        }
      }
    });
  });
});
