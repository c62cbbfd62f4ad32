import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AgentryError } from '@agentry/core';
import { createSqliteStore } from '@agentry/store-sqlite';
import { exitCodes } from '../cli-io.js';
import type { CommandSpec } from '../command.js';
import { usageError } from '../output.js';

/** The verifier key given on the command line, or read from the file it names. */
function verifierKeyOf(cwd: string, value: string): string {
  const file = resolve(cwd, value);
  if (existsSync(file) && statSync(file).isFile()) return readFileSync(file, 'utf8').trim();
  if (!value.includes('+'))
    throw usageError(
      `--key must be a verifier key (<name>+<key id>+<key>) or a file holding one; ${JSON.stringify(value)} is neither.`,
      ["Pass the key the log's signer prints as verifierKey, or the file it was saved to."],
    );
  return value.trim();
}

/** `agentry audit verify`. @internal */
export const auditVerifyCommand: CommandSpec = {
  name: 'audit verify',
  summary: 'Verify a tamper-evident audit log: its hash chain and signed checkpoints.',
  usage: 'agentry audit verify --store <file> --key <verifier key or file> [--name <log>] [--json]',
  description: [
    'Walks the audit log of @agentry/security kept in a SQLite store: recomputes every chain hash',
    'and Merkle root, checks each checkpoint signature with the public verifier key, and compares',
    'the end of the chain with the head and the last checkpoint. Only the public key is needed.',
    'Exits 1 and names the first bad entry (edited, deleted, reordered, inserted, truncated,',
    'bad-signature) when the log was tampered with. The store is opened read-only.',
  ].join('\n'),
  options: {
    store: {
      type: 'string',
      valueName: 'file',
      description: 'The SQLite store file holding the log (@agentry/store-sqlite).',
    },
    key: {
      type: 'string',
      valueName: 'key',
      description: "The log's verifier key <name>+<hex key id>+<base64 key>, or a file holding it.",
    },
    name: {
      type: 'string',
      valueName: 'log',
      description: 'The log name given to createAuditLog (default audit).',
    },
  },
  positionals: { min: 0, max: 0 },
  examples: [
    'agentry audit verify --store ./data/agentry.db --key ./audit.vkey',
    'agentry audit verify --store ./data/agentry.db --name payments --key "example.com/audit+1a2b3c4d+AT..." --json',
  ],
  async run({ values, io, output }) {
    if (typeof values['store'] !== 'string')
      throw usageError('agentry audit verify needs --store <file>: the SQLite store of the log.', [
        'Pass the database file the application writes its audit log to.',
      ]);
    if (typeof values['key'] !== 'string')
      throw usageError('agentry audit verify needs --key: the public verifier key of the log.', [
        "Pass the key the log's checkpoint signer prints as verifierKey, or a file holding it.",
      ]);
    const name = typeof values['name'] === 'string' ? values['name'] : 'audit';
    const storePath = resolve(io.cwd, values['store']);
    const verifierKey = verifierKeyOf(io.cwd, values['key']);
    // Loaded here, not at start-up: only this command needs the security package.
    const { checkpointVerifier, verifyAuditLog } = await import('@agentry/security');
    const verifier = checkpointVerifier(verifierKey);
    if (!existsSync(storePath))
      throw new AgentryError({
        code: 'not_found',
        message: `The store ${storePath} does not exist.`,
        details: { store: storePath },
        suggestions: ['Check the path (it is resolved against the current directory).'],
      });
    const store = await Promise.resolve(createSqliteStore({ path: storePath, readonly: true }));
    try {
      const result = await verifyAuditLog(store, { name, verifier });
      output.result({ ...result, store: storePath, log: name });
      if (result.ok) {
        output.line(
          `Audit log "${name}" in ${storePath}: ${result.entries} entries and ${result.checkpoints} signed checkpoints verified.`,
        );
        return exitCodes.ok;
      }
      output.line(
        `Audit log "${name}" in ${storePath} failed verification at entry ${result.index} (${result.problem}): ${result.message}`,
      );
      return exitCodes.problems;
    } finally {
      await store.close();
    }
  },
};
