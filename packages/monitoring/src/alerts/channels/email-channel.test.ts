import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testNotification, testPolicy } from '../__fixtures__/test-notification.js';
import { createEmailChannel } from './email-channel.js';

interface Received {
  mail: ParsedMail;
  secure: boolean;
  user: string | undefined;
}

let tls: { key: string; cert: string };
const servers: SMTPServer[] = [];
const password = randomUUID();

beforeAll(async () => {
  // A certificate made for this run, for 127.0.0.1; the client trusts it through `ca`.
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  tls = { key: pems.private, cert: pems.cert };
});
afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** A real SMTP server on loopback that records what it receives, and whether over TLS. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}, refuse: number[] = []) {
  const received: Received[] = [];
  const server = new SMTPServer({
    ...tls,
    authOptional: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === password)
        callback(null, { user: 'alerts' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const code = refuse.shift();
      simpleParser(stream)
        .then((mail) => {
          if (code !== undefined) {
            callback(Object.assign(new Error('Try again later'), { responseCode: code }));
            return;
          }
          received.push({ mail, secure: session.secure, user: session.user as string | undefined });
          callback();
        })
        .catch(callback);
    },
    ...options,
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received };
}

const configuration = (port: number, patch = {}) => ({
  to: ['oncall@example.com', 'team@example.org'],
  from: 'agentry@example.com',
  host: '127.0.0.1',
  port,
  ca: tls.cert,
  ...patch,
});

const send = async (config: ReturnType<typeof configuration>, retries = { count: 0 }) => {
  const channel = createEmailChannel('alerts[0].channels[0]', config, testPolicy());
  const deliveryId = randomUUID();
  try {
    await channel.deliver(testNotification(), { deliveryId, onRetry: () => (retries.count += 1) });
  } finally {
    await channel.close();
  }
  return deliveryId;
};

describe('createEmailChannel', () => {
  describe('deliver', () => {
    it('upgrades to TLS with STARTTLS when the server offers it, and sends the notice', async () => {
      const smtp = await startSmtp();
      const deliveryId = await send(configuration(smtp.port));
      expect(smtp.received).toHaveLength(1);
      const [{ mail, secure } = {} as Received] = smtp.received;
      expect(secure).toBe(true);
      expect(mail.subject).toBe('[HIGH] Error rate 12.5 % is above 5 %');
      expect(mail.from?.text).toBe('agentry@example.com');
      expect(mail.headers.get('x-agentry-delivery')).toBe(deliveryId);
      expect(mail.text).toContain('Value: 12.5 %; threshold: 5 %; window: 1 min');
      expect(mail.text).toContain('Condition: alerts[0] (error)');
      const to = Array.isArray(mail.to) ? mail.to : [mail.to];
      expect(to.flatMap((address) => address?.value.map((entry) => entry.address))).toEqual([
        'oncall@example.com',
        'team@example.org',
      ]);
    });

    it('logs in over TLS only', async () => {
      const smtp = await startSmtp();
      await send(configuration(smtp.port, { auth: { user: 'alerts', password } }));
      expect(smtp.received.map(({ secure, user }) => ({ secure, user }))).toEqual([
        { secure: true, user: 'alerts' },
      ]);
    });

    it('refuses to send in clear when TLS is required and STARTTLS is not offered', async () => {
      const smtp = await startSmtp({ disabledCommands: ['STARTTLS'] });
      const retries = { count: 0 };
      await expect(
        send(configuration(smtp.port, { requireTLS: true }), retries),
      ).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(smtp.received).toHaveLength(0);
      expect(retries.count).toBe(0);
    });

    it('refuses to send a password in clear even without requireTLS', async () => {
      const smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
      await expect(
        send(configuration(smtp.port, { auth: { user: 'alerts', password } })),
      ).rejects.toMatchObject({
        code: 'invalid_request',
      });
      expect(smtp.received).toHaveLength(0);
    });

    it('sends in clear to a server that offers no STARTTLS when TLS is not required', async () => {
      const smtp = await startSmtp({ disabledCommands: ['STARTTLS'] });
      await send(configuration(smtp.port));
      expect(smtp.received.map(({ secure }) => secure)).toEqual([false]);
    });

    it('retries a transient refusal (4xx) and delivers', async () => {
      const smtp = await startSmtp({}, [451]);
      const retries = { count: 0 };
      await send(configuration(smtp.port), retries);
      expect(retries.count).toBe(1);
      expect(smtp.received).toHaveLength(1);
    });

    it('does not retry a refused login, and never shows the password', async () => {
      const smtp = await startSmtp();
      const retries = { count: 0 };
      const error = await send(
        configuration(smtp.port, { auth: { user: 'alerts', password: randomUUID() } }),
        retries,
      ).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'auth_failed' });
      expect(retries.count).toBe(0);
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(password);
    });
  });
});
