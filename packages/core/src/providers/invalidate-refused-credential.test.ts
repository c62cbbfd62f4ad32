import { describe, expect, it } from 'vitest';
import { AgentryError } from '../errors/agentry-error.js';
import type { Credential, CredentialSource } from './credential-source.js';
import { invalidateRefusedCredential } from './invalidate-refused-credential.js';

const credential: Credential = { scheme: 'bearer', value: ['tok', 'r'.repeat(24)].join('-') };

function refreshable(canReplace = true) {
  const invalidated: Credential[] = [];
  const source: CredentialSource = {
    get: () => Promise.resolve(credential),
    invalidate: (refused) => {
      invalidated.push(refused);
      return canReplace;
    },
  };
  return { source, invalidated };
}

const refusal = (status: number, details: Record<string, unknown> = {}) =>
  new AgentryError({
    code: 'auth_failed',
    message: 'refused',
    details: { provider: 'openai', status, ...details },
  });

describe('invalidateRefusedCredential', () => {
  it('does invalidate the refused credential and mark the error for one retry', () => {
    const { source, invalidated } = refreshable();
    const error = invalidateRefusedCredential(refusal(401), source, credential);
    expect(invalidated).toEqual([credential]);
    expect(error.details.credentialInvalidated).toBe(true);
    expect(JSON.stringify(error.details)).not.toContain(credential.value);
  });

  it('does leave the error unmarked when the source cannot give another credential', () => {
    const { source } = refreshable(false);
    const error = invalidateRefusedCredential(refusal(401), source, credential);
    expect(error.details.credentialInvalidated).toBeUndefined();
  });

  it('does nothing for a fixed source, a 403, another code or a call without credential', () => {
    const { source, invalidated } = refreshable();
    const fixed: CredentialSource = { get: () => Promise.resolve(credential) };
    const limited = new AgentryError({ code: 'rate_limited', message: 'slow down' });
    expect(invalidateRefusedCredential(refusal(401), fixed, credential).details).not.toHaveProperty(
      'credentialInvalidated',
    );
    expect(
      invalidateRefusedCredential(refusal(403), source, credential).details,
    ).not.toHaveProperty('credentialInvalidated');
    expect(invalidateRefusedCredential(limited, source, credential)).toBe(limited);
    expect(invalidateRefusedCredential(refusal(401), source, undefined).details).not.toHaveProperty(
      'credentialInvalidated',
    );
    expect(invalidated).toEqual([]);
  });

  it('does copy an error whose details cannot be changed', () => {
    const { source } = refreshable();
    const frozen = new AgentryError({
      code: 'auth_failed',
      message: 'refused',
      details: Object.freeze({ status: 401 }),
    });
    const error = invalidateRefusedCredential(frozen, source, credential);
    expect(error).not.toBe(frozen);
    expect(error).toMatchObject({ code: 'auth_failed', details: { credentialInvalidated: true } });
  });
});
