/**
 * The data-protection demo, as a function the test runs too. One Agentry instance with
 * `security()`, encryption at rest, masking and the audit log on, its stores in SQLite files in a
 * temporary directory and its keys in files there:
 * 1. an agent's conversation is stored encrypted: the raw row holds an envelope, and the agent,
 *    restored through the instance's store, answers from it;
 * 2. a canary email address and API key are masked in a log line and in the audit log;
 * 3. the key is rotated and every record re-encrypted under the new one;
 * 4. the audit log verifies; one stored entry is then altered in the raw store, and verification
 *    names its index and the problem.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgentry,
  definePlugin,
  restoreAgent,
  services,
  storeKey,
  type Agentry,
  type Logger,
  type StateStore,
} from '@agentry/core';
import {
  createCheckpointSigner,
  fileKeyProvider,
  readEnvelopeHeader,
  security,
  type AuditVerification,
} from '@agentry/security';
import { createSqliteStore, sqliteStore } from '@agentry/store-sqlite';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { demoModel } from './demo-model.js';

/** What the demo observed, for its test. */
export interface DemoOutcome {
  /** The raw stored data of the agent's record: `{ "agentry:enc": 1, "v": "…" }`. */
  readonly rawRow: string;
  /** The id of the key whose envelope the raw row held before the rotation. */
  readonly firstKeyId: string;
  /** What the restored agent answered when asked what it had been told. */
  readonly readBack: string;
  /** The log line written with the canaries in it, as the logger received it. */
  readonly logLine: string;
  /** The key rotation's reason as the audit log holds it. */
  readonly auditedReason: string;
  /** The canaries, to check they appear nowhere. */
  readonly canaries: readonly string[];
  /** The key active after the rotation, and the one the raw row is sealed under after re-encryption. */
  readonly secondKeyId: string;
  readonly rowKeyIdAfter: string;
  /** Records re-sealed by `keys.reencrypt()`. */
  readonly reencrypted: number;
  /** The audit log's verification before and after the tampering, and the entry altered. */
  readonly verifiedBefore: AuditVerification;
  readonly verifiedAfter: AuditVerification;
  readonly tamperedIndex: number;
}

export const demoConfiguration = {
  ...providerConfiguration({
    type: 'openai',
    model: 'gpt-4o',
    authentication: { type: 'api_key', configuration: { apiKey: '${env:DEMO_KEY}' } },
  }),
  security: {
    encryption: { algorithm: 'AES-256-GCM', keyRotation: true, atRest: true, inTransit: true },
    accessControl: {
      rbac: false,
      permissions: [],
      rateLimiting: {
        enabled: false,
        requestsPerMinute: 600,
        burstLimit: 50,
        penaltyStrategy: 'reject',
      },
    },
    auditLogging: true,
    dataMasking: true,
  },
};

export async function runDemo(say: (line: string) => void = () => undefined): Promise<DemoOutcome> {
  const directory = mkdtempSync(join(tmpdir(), 'agentry-data-protection-'));
  const statePath = join(directory, 'state.db');
  // The stores as the disk holds them: the demo reads (and, in step 4, alters) them directly.
  const stateStore = createSqliteStore({ path: statePath });
  const keyringStore = createSqliteStore({ path: join(directory, 'keyring.db') });
  const auditStore = createSqliteStore({ path: join(directory, 'audit.db') });
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = createCheckpointSigner({ name: 'demo.example/audit', privateKey });
  const logLines: string[] = [];

  // Canaries, made at run time: an email address and an OpenAI-shaped key.
  const email = ['ada.lovelace', 'example.com'].join('@');
  const apiKey = ['sk', 'proj', randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')].join(
    '-',
  );

  const agentry: Agentry = await createAgentry({
    config: demoConfiguration,
    // A throwaway key of the mock provider's format, made at run time.
    env: { DEMO_KEY: ['mock', 'k'.repeat(24)].join('-') },
    // Where agents persist: encrypted by security(), since every store handed out is wrapped.
    store: stateStore,
    plugins: [
      definePlugin({
        name: 'demo-model',
        version: '1.0.0',
        providers: [createMockProvider({ model: demoModel })],
      }),
      // The same file offered by name, so the demo can restore the agent through the instance.
      sqliteStore({ path: statePath, name: 'conversations' }),
      demoLogger(logLines),
      security({
        keys: {
          provider: fileKeyProvider({ directory: join(directory, 'keys') }),
          store: keyringStore,
        },
        audit: { store: auditStore, signer },
        masking: {},
      }),
    ],
  });
  const auditLog = agentry.security.auditLog!;

  try {
    say('1. An agent stores its conversation encrypted');
    const agent = agentry.createAgent({ context: { userId: 'ada' } });
    const recordKey = storeKey('agent', agent.id);
    await agent.send('My order number is 4711.').result;
    const row = await stateStore.get(recordKey);
    const rawRow = JSON.stringify(row?.data);
    const firstKeyId = keyIdOf(row?.data);
    say(`   raw row data: ${rawRow.slice(0, 48)}…`);
    say(
      `   the envelope names key ${firstKeyId}; "4711" in the raw row: ${rawRow.includes('4711')}`,
    );
    const restored = await restoreAgent(agent.id, {
      store: agentry.store('conversations'),
      model: demoModel,
    });
    const readBack = (await restored.send('What did I tell you?').result).text;
    say(`   restored from the store, the agent answers: ${readBack}`);

    say('2. A canary email address and API key are masked');
    agentry.logger.warn(
      { ticket: 'T-1042', text: `customer ${email} pasted the key ${apiKey}` },
      'support ticket received',
    );
    const logLine = logLines.at(-1) ?? '';
    say(`   log line: ${logLine}`);

    say('3. The key is rotated and every record re-encrypted');
    const second = await agentry.security.keys.rotate({
      reason: `key ${apiKey} pasted in a ticket by ${email}`,
    });
    const rotation = (await auditLog.entries()).findLast(
      (record) => record.entry.action === 'keys.rotate',
    );
    const details = rotation?.entry.details;
    const auditedReason = typeof details === 'object' ? String(details.reason) : '';
    say(`   audit entry ${rotation?.index} (keys.rotate): reason "${auditedReason}"`);
    const report = await agentry.security.keys.reencrypt();
    const rowKeyIdAfter = keyIdOf((await stateStore.get(recordKey))?.data);
    say(
      `   active key ${second.id}; re-encrypted: ${Object.entries(report.stores)
        .map(([name, progress]) => `${name} ${progress.reencrypted}`)
        .join(', ')}`,
    );
    say(`   the agent's row is now sealed under ${rowKeyIdAfter}`);

    say('4. The audit log is verified, then one stored entry is altered');
    const checkpoint = await auditLog.checkpoint();
    say(
      `   signed checkpoint of ${checkpoint.size} entries, root ${checkpoint.rootHash.slice(0, 12)}…`,
    );
    const verifiedBefore = await auditLog.verify();
    say(`   verify(): ${JSON.stringify(verifiedBefore)}`);
    const tamperedIndex = rotation?.index ?? 0;
    await alterEntry(auditStore, tamperedIndex);
    const verifiedAfter = await auditLog.verify();
    say(`   after altering entry ${tamperedIndex}: ${JSON.stringify(verifiedAfter)}`);

    return {
      rawRow,
      firstKeyId,
      readBack,
      logLine,
      auditedReason,
      canaries: [email, apiKey],
      secondKeyId: second.id,
      rowKeyIdAfter,
      reencrypted: report.reencrypted,
      verifiedBefore,
      verifiedAfter,
      tamperedIndex,
    };
  } finally {
    await agentry.shutdown();
    await Promise.all([stateStore.close(), keyringStore.close(), auditStore.close()]);
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The key id in the header of a stored entry's envelope (readable without the key). */
function keyIdOf(data: unknown): string {
  const sealed = (data as { v?: unknown } | undefined)?.v;
  if (typeof sealed !== 'string') return '(not an envelope)';
  return readEnvelopeHeader(new Uint8Array(Buffer.from(sealed, 'base64url'))).keyId;
}

/**
 * What someone with write access to the storage could do: rewrite one stored audit entry (here,
 * its action), bypassing the log. Entries are stored as they were recorded (masked, personal data
 * sealed per subject), so anyone with the verifier key can check them without the data keys.
 */
async function alterEntry(store: StateStore, index: number): Promise<void> {
  const key = `audit:audit:e:${String(index).padStart(12, '0')}`;
  const entry = await store.get(key);
  if (entry === undefined) throw new Error(`No stored entry ${key}`);
  const record = structuredClone(entry.data) as Record<string, unknown>;
  const fields = (record.entry ?? record) as Record<string, unknown>;
  fields.action = 'keys.list';
  await store.put(
    key,
    { kind: entry.kind, schemaVersion: entry.schemaVersion, data: record },
    { expectedRevision: entry.revision },
  );
}

/**
 * A logger plug-in that masks each line with the instance's masker before writing it, as
 * `@agentry/monitoring`'s logger does; here the lines are kept in `lines`.
 */
function demoLogger(lines: string[]) {
  return definePlugin({
    name: 'demo-logger',
    version: '1.0.0',
    setup(host) {
      const write =
        (level: string, bindings: Record<string, unknown>) =>
        (fields: Record<string, unknown> | string, message?: string) => {
          const masker = host.lookup(services.masker);
          const line =
            typeof fields === 'string' ? { ...bindings, msg: fields } : { ...bindings, ...fields };
          const masked = masker?.mask(line, { purpose: 'log' }) ?? line;
          lines.push(`${level} ${message ?? ''} ${JSON.stringify(masked)}`);
        };
      const logger = (bindings: Record<string, unknown>): Logger => ({
        debug: write('DEBUG', bindings),
        info: write('INFO', bindings),
        warn: write('WARN', bindings),
        error: write('ERROR', bindings),
        child: (more) => logger({ ...bindings, ...more }),
      });
      host.provide(services.logger, logger({}));
    },
  });
}
