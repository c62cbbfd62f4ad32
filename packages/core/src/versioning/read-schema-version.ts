import { AgentryError } from '../errors/index.js';
import { describeSchemaVersionFormat, isSchemaVersion } from './version-scheme.js';

/** What {@link readSchemaVersion} needs to know. @internal */
export interface ReadSchemaVersionOptions {
  /** The kind of document, for messages. */
  documentKind: string;
  /** Whether versions are semver strings. */
  semantic: boolean;
  /** Whether `detectVersion` may be asked when `schemaVersion` is missing. */
  autoDetection: boolean;
  /** Works out the version of a document that carries none. */
  detectVersion?: ((document: Readonly<Record<string, unknown>>) => string | undefined) | undefined;
}

/** A document's version and where it came from. @internal */
export interface SchemaVersionReading {
  /** The exact version. */
  version: string;
  /** Whether `detectVersion` supplied it. */
  detected: boolean;
}

/**
 * Reads a document's `schemaVersion`, asking `detectVersion` when it is missing and
 * `autoDetection` is on.
 *
 * @internal
 * @throws {AgentryError} `schema_version_missing` when there is no version and none is detected;
 *   `validation_failed` when the version is not well formed for the mode.
 * @example
 * ```ts
 * readSchemaVersion({ schemaVersion: '2' }, { documentKind: 'configuration', semantic: false, autoDetection: false });
 * // { version: '2', detected: false }
 * ```
 */
export function readSchemaVersion(
  document: Readonly<Record<string, unknown>>,
  options: ReadSchemaVersionOptions,
): SchemaVersionReading {
  const { documentKind, semantic } = options;
  const raw = document['schemaVersion'];
  if (raw !== undefined && raw !== null) return { version: check(raw, false), detected: false };

  const detected =
    options.autoDetection && options.detectVersion ? options.detectVersion(document) : undefined;
  if (detected !== undefined) return { version: check(detected, true), detected: true };

  const suggestions = [
    `Add "schemaVersion" to the ${documentKind} document, set to the version its shape follows.`,
  ];
  if (!options.autoDetection && options.detectVersion) {
    suggestions.push(
      'Turn on versioning.autoDetection so detectVersion is asked for documents without one.',
    );
  } else if (options.autoDetection && !options.detectVersion) {
    suggestions.push('Give createMigrator a detectVersion callback so autoDetection can work.');
  }
  throw new AgentryError({
    code: 'schema_version_missing',
    message: `The ${documentKind} document has no schemaVersion${options.autoDetection && options.detectVersion ? ' and its version could not be detected' : ''}, so it cannot be migrated safely.`,
    details: { documentKind, path: ['schemaVersion'], autoDetection: options.autoDetection },
    suggestions,
  });

  function check(value: unknown, wasDetected: boolean): string {
    if (isSchemaVersion(value, semantic)) return value;
    const source = wasDetected ? 'detected schemaVersion' : 'schemaVersion';
    throw new AgentryError({
      code: 'validation_failed',
      message: `The ${documentKind} document's ${source} ${JSON.stringify(value)} is not ${describeSchemaVersionFormat(semantic)}.`,
      details: { documentKind, path: ['schemaVersion'], value, detected: wasDetected },
      suggestions: [`Set schemaVersion to ${describeSchemaVersionFormat(semantic)}.`],
    });
  }
}
