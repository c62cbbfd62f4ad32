import { randomBytes } from 'node:crypto';
import type { AuthorizationRequest, Authorizer } from '@agentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REALTIME_SUBPROTOCOL, type RealtimeServerMessage } from '../../protocol.js';
import { createMemoryRealtimeLog } from '../../log/index.js';
import { startTestServer, type TestServer } from '../__fixtures__/realtime-test-server.js';
import { createRealtimeAuth } from './realtime-auth.js';
import { channelMatches } from './realtime-ticket.js';

let current: TestServer | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('createRealtimeAuth', () => {
  describe('channel patterns', () => {
    it('matches exact names, one segment under /*, any depth under /**, and nothing else', () => {
      expect(channelMatches(['run/r-1'], 'run/r-1')).toBe(true);
      expect(channelMatches(['run/r-1'], 'run/r-10')).toBe(false);
      expect(channelMatches(['run/*'], 'run/r-1')).toBe(true);
      expect(channelMatches(['run/*'], 'run/r-1/x')).toBe(false);
      expect(channelMatches(['run/*'], 'run')).toBe(false);
      expect(channelMatches(['run/*'], 'runner/x')).toBe(false);
      expect(channelMatches(['user/u-1/**'], 'user/u-1/a/b')).toBe(true);
      expect(channelMatches(['user/u-1/**'], 'user/u-10/a')).toBe(false);
      expect(channelMatches([], 'run/r-1')).toBe(false);
      expect(channelMatches(undefined, 'run/r-1')).toBe(false);
    });
  });

  describe('tickets', () => {
    it('refuses a secret shorter than 32 bytes with config_invalid', () => {
      expect(() =>
        createRealtimeAuth({ log: createMemoryRealtimeLog(), ticketSecret: randomBytes(16) }),
      ).toThrow(expect.objectContaining({ code: 'config_invalid' }));
    });

    it('refuses bad ticket requests with validation_failed', () => {
      const auth = createRealtimeAuth({ log: createMemoryRealtimeLog() });
      expect(() => auth.issueTicket({ userId: '', channels: [], ttl: 1000 })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
      expect(() => auth.issueTicket({ userId: 'u', channels: ['run//x'], ttl: 1000 })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
      expect(() => auth.issueTicket({ userId: 'u', channels: [], ttl: 0 })).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    });
  });
});

describe('realtime server authentication and authorization', () => {
  it('answers 401 without a credential', async () => {
    current = await startTestServer();
    const response = await fetch(`${current.url}/realtime/streams/run/r-1?offset=-1`);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthenticated');
  });

  it('answers 401 for a forged ticket and an expired one, with distinct messages that never carry the secret', async () => {
    let now = 1_000_000;
    const secret = randomBytes(32);
    current = await startTestServer({ ticketSecret: secret, now: () => now });
    await current.log.create('run/r-1');
    const ticket = current.realtime.issueTicket({
      userId: 'u-1',
      channels: ['run/r-1'],
      ttl: 60_000,
    });
    const ok = await fetch(`${current.url}/realtime/streams/run/r-1?offset=-1&ticket=${ticket}`);
    expect(ok.status).toBe(200);

    const other = createRealtimeAuth({
      log: current.log,
      ticketSecret: randomBytes(32),
      now: () => now,
    }).issueTicket({ userId: 'u-1', channels: ['run/r-1'], ttl: 60_000 });
    const forged = await fetch(`${current.url}/realtime/streams/run/r-1?offset=-1`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(forged.status).toBe(401);
    const forgedError = await errorOf(forged);
    expect(forgedError.message).toContain('signature');

    const [prefix, payload] = ticket.split('.');
    const widened = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
        c: ['run/**'],
      }),
    ).toString('base64url');
    const altered = await fetch(
      `${current.url}/realtime/streams/run/r-1?offset=-1&ticket=${prefix}.${widened}.${ticket.split('.')[2]}`,
    );
    expect(altered.status).toBe(401);

    const malformed = await fetch(
      `${current.url}/realtime/streams/run/r-1?offset=-1&ticket=rtk1.garbage`,
    );
    expect(malformed.status).toBe(401);
    expect((await errorOf(malformed)).message).toContain('malformed');

    now += 60_001;
    const expired = await fetch(
      `${current.url}/realtime/streams/run/r-1?offset=-1&ticket=${ticket}`,
    );
    expect(expired.status).toBe(401);
    const expiredError = await errorOf(expired);
    expect(expiredError.message).toContain('expired');
    const secretText = [
      secret.toString('hex'),
      secret.toString('base64'),
      secret.toString('base64url'),
    ];
    for (const text of [JSON.stringify(forgedError), JSON.stringify(expiredError)])
      for (const form of secretText) expect(text).not.toContain(form);
  });

  it('answers 403 for a ticket for channel A reading channel B', async () => {
    current = await startTestServer();
    await current.log.create('run/a');
    await current.log.create('run/b');
    const ticket = current.realtime.issueTicket({
      userId: 'u-1',
      channels: ['run/a'],
      ttl: 60_000,
    });
    expect(
      (await fetch(`${current.url}/realtime/streams/run/a?offset=-1&ticket=${ticket}`)).status,
    ).toBe(200);
    const denied = await fetch(`${current.url}/realtime/streams/run/b?offset=-1&ticket=${ticket}`);
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).code).toBe('permission_denied');
    const write = await fetch(`${current.url}/realtime/streams/run/b`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' },
      body: '1',
    });
    expect(write.status).toBe(403);
  });

  it("answers 403 for another user's channel even when the credential lists it", async () => {
    current = await startTestServer({
      verifyToken: (token) =>
        Promise.resolve(token === 'token-of-u1' ? { id: 'u-1', channels: ['user/**'] } : undefined),
    });
    await current.log.create('user/u-2/inbox', { labels: { userId: 'u-2' } });
    await current.log.create('user/u-1/inbox', { labels: { userId: 'u-1' } });
    const headers = { authorization: 'Bearer token-of-u1' };
    expect(
      (await fetch(`${current.url}/realtime/streams/user/u-1/inbox?offset=-1`, { headers })).status,
    ).toBe(200);
    const denied = await fetch(`${current.url}/realtime/streams/user/u-2/inbox?offset=-1`, {
      headers,
    });
    expect(denied.status).toBe(403);
    expect((await errorOf(denied)).message).toContain('another user');
    expect(
      (
        await fetch(`${current.url}/realtime/streams/user/u-1/inbox?offset=-1`, {
          headers: { authorization: 'Bearer nope' },
        })
      ).status,
    ).toBe(401);
  });

  it('asks the Authorizer in core’s convention (verb on channels:<name>, labels as attributes, the operation in context) and follows its decision', async () => {
    const asked: AuthorizationRequest[] = [];
    const authorizer: Authorizer = {
      authorize: (request) => {
        asked.push(request);
        return Promise.resolve(
          request.action === 'read' && request.resource.attributes?.tenant === 'acme'
            ? { decision: 'allow', reasons: ['tenant reader'], policyIds: ['p1'] }
            : { decision: 'deny', reasons: ['no rule allows it'], policyIds: ['p1'] },
        );
      },
    };
    current = await startTestServer({ authorizer: () => authorizer });
    await current.log.create('run/acme', { labels: { tenant: 'acme', userId: 'someone-else' } });
    await current.log.create('run/other', { labels: { tenant: 'other' } });
    // The ticket lists neither channel: the Authorizer decides, not the ticket.
    const ticket = current.realtime.issueTicket({
      userId: 'u-1',
      channels: [],
      ttl: 60_000,
      roles: ['viewer'],
    });
    expect(
      (await fetch(`${current.url}/realtime/streams/run/acme?offset=-1&ticket=${ticket}`)).status,
    ).toBe(200);
    const denied = await fetch(
      `${current.url}/realtime/streams/run/other?offset=-1&ticket=${ticket}`,
    );
    expect(denied.status).toBe(403);
    const refusal = await errorOf(denied);
    expect(refusal).toMatchObject({ code: 'permission_denied' });
    expect(refusal.message).toContain('channel.read');
    expect(refusal.message).toContain('run/other');
    // The policy's own reasons and ids stay in its decision, not in the answer.
    expect(JSON.stringify(refusal)).not.toContain('no rule allows it');
    expect(JSON.stringify(refusal)).not.toContain('p1');
    const append = await fetch(`${current.url}/realtime/streams/run/acme?ticket=${ticket}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '1',
    });
    expect(append.status).toBe(403);
    expect(asked[0]).toEqual({
      principal: { id: 'u-1', roles: ['viewer'] },
      action: 'read',
      resource: {
        type: 'channels',
        id: 'run/acme',
        attributes: { tenant: 'acme', userId: 'someone-else', owner: 'someone-else' },
      },
      context: { operation: 'channel.read' },
    });
    expect(asked.map((request) => [request.action, request.context?.operation])).toEqual([
      ['read', 'channel.read'],
      ['read', 'channel.read'],
      ['update', 'channel.append'],
    ]);
  });

  it('passes the kind and attributes verifyToken gives, and refuses when the Authorizer throws', async () => {
    const asked: AuthorizationRequest[] = [];
    let failing = false;
    const authorizer: Authorizer = {
      authorize: (request) => {
        asked.push(request);
        if (failing) return Promise.reject(new Error('policy store unreachable'));
        return Promise.resolve({ decision: 'allow', reasons: [], policyIds: [] });
      },
    };
    const token = ['svc', 'token', 'x'.repeat(8)].join('-');
    current = await startTestServer({
      authorizer: () => authorizer,
      verifyToken: (given) =>
        Promise.resolve(
          given === token
            ? { id: 'billing', kind: 'service' as const, attributes: { tenant: 'acme' } }
            : undefined,
        ),
    });
    await current.log.create('run/r-1', { labels: { owner: 'ops', userId: 'u-9' } });
    const headers = { authorization: `Bearer ${token}` };
    expect(
      (await fetch(`${current.url}/realtime/streams/run/r-1?offset=-1`, { headers })).status,
    ).toBe(200);
    expect(asked[0]).toEqual({
      principal: { id: 'billing', kind: 'service', attributes: { tenant: 'acme' } },
      action: 'read',
      // A label named owner is kept as it is.
      resource: { type: 'channels', id: 'run/r-1', attributes: { owner: 'ops', userId: 'u-9' } },
      context: { operation: 'channel.read' },
    });
    failing = true;
    const refused = await fetch(`${current.url}/realtime/streams/run/r-1?offset=-1`, { headers });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await errorOf(refused))).not.toContain('policy store unreachable');
  });

  it('asks read for a WebSocket subscribe and update for a cancel, and a denied subscribe is answered with permission_denied', async () => {
    const asked: AuthorizationRequest[] = [];
    const authorizer: Authorizer = {
      authorize: (request) => {
        asked.push(request);
        return Promise.resolve(
          request.resource.id === 'run/open'
            ? { decision: 'allow', reasons: [], policyIds: [] }
            : { decision: 'deny', reasons: ['closed'], policyIds: ['p9'] },
        );
      },
    };
    const cancelled: string[] = [];
    current = await startTestServer({
      authorizer: () => authorizer,
      onCancel: (channel) => {
        cancelled.push(channel);
        return Promise.resolve();
      },
    });
    await current.log.create('run/open');
    await current.log.append('run/open', [JSON.stringify({ type: 'RUN_STARTED' })]);
    await current.log.create('run/closed');
    const ticket = current.realtime.issueTicket({ userId: 'u-1', channels: [], ttl: 60_000 });

    const socket = new WebSocket(
      `${current.url.replace('http', 'ws')}/realtime/ws?ticket=${ticket}`,
      REALTIME_SUBPROTOCOL,
    );
    const messages: RealtimeServerMessage[] = [];
    socket.on('message', (data: Buffer) =>
      messages.push(JSON.parse(data.toString('utf8')) as RealtimeServerMessage),
    );
    try {
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'subscribe', channel: 'run/open', offset: '-1' }));
      socket.send(JSON.stringify({ type: 'subscribe', channel: 'run/closed', offset: '-1' }));
      await new Promise<void>((resolve) => {
        const check = () =>
          messages.some((message) => message.type === 'events') &&
          messages.some((message) => message.type === 'error')
            ? resolve()
            : setImmediate(check);
        check();
      });
    } finally {
      socket.terminate();
    }
    const error = messages.find((message) => message.type === 'error');
    expect(error?.type === 'error' && error.error.code).toBe('permission_denied');
    expect(JSON.stringify(error)).not.toContain('p9');

    const refused = await fetch(`${current.url}/realtime/cancel/run/closed?ticket=${ticket}`, {
      method: 'POST',
    });
    expect(refused.status).toBe(403);
    const accepted = await fetch(`${current.url}/realtime/cancel/run/open?ticket=${ticket}`, {
      method: 'POST',
    });
    expect(accepted.status).toBe(202);
    expect(cancelled).toEqual(['run/open']);
    expect(
      asked.map((request) => [
        request.action,
        request.resource.type,
        request.resource.id,
        request.context?.operation,
      ]),
    ).toEqual([
      ['read', 'channels', 'run/open', 'channel.read'],
      ['read', 'channels', 'run/closed', 'channel.read'],
      ['update', 'channels', 'run/closed', 'run.cancel'],
      ['update', 'channels', 'run/open', 'run.cancel'],
    ]);
  });
});
