import { AgentryError, storeKey, type StateStore, type StoredEnvelope } from '@agentry/core';
import { nameProblem, normalizeName, quote } from './names.js';

/**
 * Who holds which roles, looked up at every decision so that a revoke takes effect at the next
 * action. Subject ids and role names are NFC-normalised and otherwise compared exactly.
 *
 * @example
 * ```ts
 * import { createRoleDirectory, type RoleDirectory } from '@agentry/security';
 *
 * const roles: RoleDirectory = createRoleDirectory({ seed: { alice: ['user'] } });
 * await roles.assign('alice', 'approver');
 * await roles.revoke('alice', 'user');
 * console.log(await roles.list('alice')); // ['approver']
 * ```
 */
export interface RoleDirectory {
  /**
   * Gives `subject` the role. Resolves to `true` when it did not hold it yet.
   *
   * @throws AgentryError `validation_failed` when the subject or role is not a valid name (not a
   *   string, empty, padded with whitespace, `__proto__`, `constructor`, `prototype`); `conflict`
   *   when other processes kept changing the subject's record through every retry
   */
  assign(subject: string, role: string): Promise<boolean>;
  /**
   * Takes the role from `subject`. Resolves to `true` when it held it. The next decision for the
   * subject no longer sees the role.
   *
   * @throws AgentryError as {@link RoleDirectory.assign}
   */
  revoke(subject: string, role: string): Promise<boolean>;
  /**
   * The roles `subject` holds, sorted.
   *
   * @throws AgentryError `validation_failed` for a subject that is not a valid name;
   *   `data_corrupted` when the stored record is not a role assignment
   */
  list(subject: string): Promise<readonly string[]>;
}

/**
 * Options of {@link createRoleDirectory}.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { createRoleDirectory, type RoleDirectoryOptions } from '@agentry/security';
 *
 * const options: RoleDirectoryOptions = { seed: { alice: ['user'] }, store: createMemoryStore() };
 * const roles = createRoleDirectory(options);
 * console.log(await roles.list('alice')); // ['user']
 * ```
 */
export interface RoleDirectoryOptions {
  /**
   * The roles subjects hold at the start (the policy's `subjects`). With a store, a subject's
   * seed is written only when the store has no record of it yet: once written, the record wins,
   * so a revoked seeded role stays revoked after a restart.
   */
  readonly seed?:
    Readonly<Record<string, readonly string[]>> | ReadonlyMap<string, readonly string[]>;
  /**
   * Where assignments are kept so that several processes share them: one record per subject
   * (key `security-role:<subject>`), written with the revision read, so concurrent changes are
   * retried, never lost. Left out, assignments live in this process's memory.
   */
  readonly store?: StateStore;
}

const recordKind = 'security-role-assignment';
const maxAttempts = 8;

function checkName(what: 'subject' | 'role', value: unknown): string {
  const problem = nameProblem(value);
  if (problem === undefined) return normalizeName(value as string);
  throw new AgentryError({
    code: 'validation_failed',
    message:
      typeof value === 'string'
        ? `The ${what} ${quote(value)} ${problem}.`
        : `The ${what} must be a string, but it ${problem}.`,
    details: { field: what, reason: problem },
    suggestions: [
      `Pass the ${what} as a non-empty string without surrounding whitespace, not __proto__, constructor or prototype.`,
    ],
  });
}

function rolesOf(entry: StoredEnvelope | undefined): string[] {
  if (entry === undefined) return [];
  const data = entry.data as { roles?: unknown } | null;
  const roles = typeof data === 'object' && data !== null ? data.roles : undefined;
  if (Array.isArray(roles) && roles.every((role) => nameProblem(role) === undefined))
    return roles as string[];
  throw new AgentryError({
    code: 'data_corrupted',
    message: `The stored record ${entry.key} is not a role assignment.`,
    details: { key: entry.key },
    suggestions: ['Delete the record, or write it again with assign().'],
  });
}

/**
 * Creates a {@link RoleDirectory}: in memory by default, or on a core `StateStore` so that several
 * processes share the assignments (each change is written with the revision it read, and retried
 * on `conflict`). `list` reads the current assignments, never a copy held from earlier.
 *
 * @throws AgentryError `validation_failed` when a seeded subject or role is not a valid name
 * @example
 * ```ts
 * import { createMemoryStore } from '@agentry/core';
 * import { compilePolicy, createPolicyAuthorizer, createRoleDirectory } from '@agentry/security';
 *
 * const policy = compilePolicy({ permissions: [{ roles: ['user'], resource: 'tools:*', actions: ['read'] }] });
 * const roles = createRoleDirectory({ seed: { alice: ['user'] }, store: createMemoryStore() });
 * const authorizer = createPolicyAuthorizer({ policy, roles });
 * const request = { principal: { id: 'alice' }, action: 'read', resource: { type: 'tools', id: 'search' } };
 * console.log((await authorizer.authorize(request)).decision); // 'allow'
 * await roles.revoke('alice', 'user');
 * console.log((await authorizer.authorize(request)).decision); // 'deny'
 * ```
 */
export function createRoleDirectory(options: RoleDirectoryOptions = {}): RoleDirectory {
  const seed = new Map<string, Set<string>>();
  const entries =
    options.seed instanceof Map ? [...options.seed] : Object.entries(options.seed ?? {});
  for (const [subject, roles] of entries as [string, readonly string[]][]) {
    const id = checkName('subject', subject);
    const held = seed.get(id) ?? new Set<string>();
    for (const role of roles) held.add(checkName('role', role));
    seed.set(id, held);
  }
  const store = options.store;
  if (store === undefined) return memoryDirectory(seed);
  return storeDirectory(store, seed);
}

function memoryDirectory(seed: Map<string, Set<string>>): RoleDirectory {
  // Each subject's roles as a frozen sorted list, replaced on every change, so that list() (read
  // at every decision) hands it out without copying or sorting.
  const assignments = new Map<string, readonly string[]>();
  for (const [subject, roles] of seed) assignments.set(subject, Object.freeze([...roles].sort()));
  const change = (subject: string, role: string, add: boolean): boolean => {
    const held = new Set(assignments.get(subject));
    if (held.has(role) === add) return false;
    if (add) held.add(role);
    else held.delete(role);
    assignments.set(subject, Object.freeze([...held].sort()));
    return true;
  };
  return {
    // Async so that a refused name rejects, as the store-backed directory does.
    // eslint-disable-next-line @typescript-eslint/require-await
    async assign(subject, role) {
      return change(checkName('subject', subject), checkName('role', role), true);
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async revoke(subject, role) {
      return change(checkName('subject', subject), checkName('role', role), false);
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async list(subject) {
      return assignments.get(checkName('subject', subject)) ?? [];
    },
  };
}

function storeDirectory(store: StateStore, seed: Map<string, Set<string>>): RoleDirectory {
  const keyOf = (subject: string) => storeKey('security-role', subject);
  const write = (subject: string, roles: Iterable<string>, expectedRevision: number | null) =>
    store.put(
      keyOf(subject),
      { kind: recordKind, schemaVersion: '1', data: { subject, roles: [...roles].sort() } },
      { expectedRevision },
    );
  let seeded: Promise<void> | undefined;
  // Seeds are written once per directory, create-only: a record already there (written by this
  // or another process) wins.
  const ready = () =>
    (seeded ??= Promise.all(
      [...seed].map(async ([subject, roles]) => {
        try {
          await write(subject, roles, null);
        } catch (error) {
          if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
        }
      }),
    ).then(
      () => undefined,
      (error: unknown) => {
        // A store that failed may recover: the next call tries the seeds again.
        seeded = undefined;
        throw error;
      },
    ));

  async function change(subject: string, role: string, add: boolean): Promise<boolean> {
    const id = checkName('subject', subject);
    const name = checkName('role', role);
    await ready();
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const entry = await store.get(keyOf(id));
      const held = new Set(rolesOf(entry));
      if (held.has(name) === add) return false;
      if (add) held.add(name);
      else held.delete(name);
      try {
        await write(id, held, entry?.revision ?? null);
        return true;
      } catch (error) {
        if (!(AgentryError.isInstance(error) && error.code === 'conflict')) throw error;
      }
    }
    throw new AgentryError({
      code: 'conflict',
      message: `The roles of ${quote(id)} changed under every one of ${maxAttempts} attempts to ${add ? 'assign' : 'revoke'} ${quote(name)}.`,
      details: { subject: id, role: name, attempts: maxAttempts },
      suggestions: ["Try again; other processes are changing the same subject's roles."],
    });
  }

  return {
    assign: (subject, role) => change(subject, role, true),
    revoke: (subject, role) => change(subject, role, false),
    async list(subject) {
      const id = checkName('subject', subject);
      await ready();
      return [...rolesOf(await store.get(keyOf(id)))].sort();
    },
  };
}
