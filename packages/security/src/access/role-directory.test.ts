import { AgentryError, createMemoryStore, type StateStore } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import { createRoleDirectory } from './role-directory.js';

describe('createRoleDirectory', () => {
  describe.each<[string, () => StateStore | undefined]>([
    ['in memory', () => undefined],
    ['on a state store', () => createMemoryStore()],
  ])('%s', (_name, makeStore) => {
    const directory = (seed?: Record<string, string[]>) => {
      const store = makeStore();
      return createRoleDirectory({
        ...(seed === undefined ? {} : { seed }),
        ...(store === undefined ? {} : { store }),
      });
    };

    it('lists the seeded roles, sorted', async () => {
      expect(await directory({ alice: ['user', 'approver'] }).list('alice')).toEqual([
        'approver',
        'user',
      ]);
    });

    it('assigns and revokes, saying whether anything changed', async () => {
      const roles = directory();
      expect(await roles.assign('alice', 'user')).toBe(true);
      expect(await roles.assign('alice', 'user')).toBe(false);
      expect(await roles.list('alice')).toEqual(['user']);
      expect(await roles.revoke('alice', 'user')).toBe(true);
      expect(await roles.revoke('alice', 'user')).toBe(false);
      expect(await roles.list('alice')).toEqual([]);
    });

    it('revokes a seeded role', async () => {
      const roles = directory({ alice: ['user'] });
      await roles.revoke('alice', 'user');
      expect(await roles.list('alice')).toEqual([]);
    });

    it('normalises to NFC and otherwise compares exactly', async () => {
      const roles = directory();
      await roles.assign('jose\u0301', 'Admin');
      expect(await roles.list('jos\u00e9')).toEqual(['Admin']);
      expect(await roles.list('JOS\u00c9')).toEqual([]);
      expect(await roles.list('\u0430lice')).toEqual([]);
    });

    it.each<[string, unknown, unknown]>([
      ['a numeric subject', 42, 'user'],
      ['an object subject', { id: 'alice' }, 'user'],
      ['a subject __proto__', '__proto__', 'user'],
      ['a subject constructor', 'constructor', 'user'],
      ['a padded subject', 'alice ', 'user'],
      ['an empty role', 'alice', ''],
      ['a role prototype', 'alice', 'prototype'],
      ['a null role', 'alice', null],
    ])('refuses %s with validation_failed', async (_name, subject, role) => {
      const roles = directory();
      await expect(roles.assign(subject as string, role as string)).rejects.toMatchObject({
        code: 'validation_failed',
      });
      await expect(roles.revoke(subject as string, role as string)).rejects.toBeInstanceOf(
        AgentryError,
      );
      expect(({} as Record<string, unknown>).user).toBeUndefined();
    });

    it('refuses a seed with a reserved name', () => {
      const store = makeStore();
      expect(() =>
        createRoleDirectory({
          seed: { alice: ['constructor'] },
          ...(store === undefined ? {} : { store }),
        }),
      ).toThrow(expect.objectContaining({ code: 'validation_failed' }) as AgentryError);
    });
  });

  describe('on a shared state store', () => {
    it('shares assignments between directories, as separate processes would', async () => {
      const store = createMemoryStore();
      const first = createRoleDirectory({ store, seed: { alice: ['user'] } });
      const second = createRoleDirectory({ store, seed: { alice: ['user'] } });
      expect(await second.list('alice')).toEqual(['user']);
      await first.revoke('alice', 'user');
      expect(await second.list('alice')).toEqual([]);
      // A second directory's seed does not bring the revoked role back.
      const third = createRoleDirectory({ store, seed: { alice: ['user'] } });
      expect(await third.list('alice')).toEqual([]);
    });

    it('loses no concurrent assignment', async () => {
      const store = createMemoryStore();
      const directories = Array.from({ length: 4 }, () => createRoleDirectory({ store }));
      await Promise.all(directories.map((roles, index) => roles.assign('alice', `role-${index}`)));
      expect(await directories[0]!.list('alice')).toEqual(['role-0', 'role-1', 'role-2', 'role-3']);
    });

    it('refuses a stored record that is not a role assignment', async () => {
      const store = createMemoryStore();
      await store.put('security-role:alice', {
        kind: 'other',
        schemaVersion: '1',
        data: { roles: 'admin' },
      });
      await expect(createRoleDirectory({ store }).list('alice')).rejects.toMatchObject({
        code: 'data_corrupted',
      });
    });
  });
});
