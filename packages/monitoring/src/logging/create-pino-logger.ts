import { open } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AgentryError, type Logger, type MaskContext, type PluginHost } from '@agentry/core';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LoggingConfig } from '../config/index.js';
import { maskLogValue } from './mask-log-value.js';
import { createTextLineStream, type LineDestination } from './text-line-stream.js';
import type { ReadTraceIds } from './trace-context.js';

type Level = LoggingConfig['level'];

/** @internal */
export interface PinoLoggerOptions {
  readonly config: Pick<LoggingConfig, 'level' | 'format' | 'structured'>;
  /** A stream, a file path, or standard output when left out. */
  readonly destination: NodeJS.WritableStream | string | undefined;
  readonly lookup: PluginHost['lookup'];
  readonly readTraceIds: ReadTraceIds;
}

/** @internal A logger and what its owner needs to run it. */
export interface PinoLoggerHandle {
  readonly logger: Logger;
  /** Lines withheld because the masker threw on them. */
  readonly withheldLines: () => number;
  /** Whether lines of a level are written (the configured level is fixed). */
  readonly isLevelEnabled: (level: Level) => boolean;
  /** Writes what is buffered and closes a file destination (a stream given is left open). */
  close(): Promise<void>;
}

/**
 * Makes the pino-backed logger: `format` `json` writes pino's JSON lines, `text` a line for a
 * terminal; `structured: false` writes the message alone (no fields, no bindings, no pid or
 * host). Each line's fields and message are masked before pino sees them (see `maskLogValue`);
 * bindings of `child` are kept by this logger and masked with every line, so that a masker
 * installed later still sees them. Trace and span ids of the active span are added as `trace_id`
 * and `span_id` to every structured line.
 *
 * @throws AgentryError `config_invalid` when the destination is neither a stream nor a path, or
 *   the file cannot be opened for writing
 * @internal
 */
export async function createPinoLogger(options: PinoLoggerOptions): Promise<PinoLoggerHandle> {
  const { config, lookup, readTraceIds } = options;
  const { stream, close } = await openDestination(options.destination);
  const pinoOptions = {
    level: config.level,
    ...(config.structured ? { mixin: () => readTraceIds() ?? {} } : { base: null }),
  };
  let root = pino(pinoOptions, config.format === 'text' ? createTextLineStream(stream) : stream);
  let withheld = 0;

  const write = (
    level: Level,
    bindings: Readonly<Record<string, unknown>>,
    obj: Record<string, unknown> | string,
    msg: string | undefined,
  ) => {
    if (!root.isLevelEnabled(level)) return;
    const fields = typeof obj === 'string' ? undefined : obj;
    const message = typeof obj === 'string' ? obj : msg;
    const context = maskContextOf(bindings, fields);
    if (!config.structured) {
      const masked = maskLogValue(lookup, message ?? '', context);
      if (masked.ok) root[level](masked.value);
      else withhold(root, level, masked.reason);
      return;
    }
    const masked = maskLogValue(lookup, { fields: { ...bindings, ...fields }, message }, context);
    if (!masked.ok) {
      withhold(root, level, masked.reason);
      return;
    }
    if (masked.value.message === undefined) root[level](masked.value.fields);
    else root[level](masked.value.fields, masked.value.message);
  };
  const withhold = (target: Pino, level: Level, reason: string) => {
    withheld += 1;
    target.error(
      { withheldLevel: level, withheldLines: withheld },
      `A log line was withheld: the masker threw (${reason}).`,
    );
  };

  const make = (bindings: Readonly<Record<string, unknown>>): Logger => ({
    debug: (obj, msg) => write('debug', bindings, obj, msg),
    info: (obj, msg) => write('info', bindings, obj, msg),
    warn: (obj, msg) => write('warn', bindings, obj, msg),
    error: (obj, msg) => write('error', bindings, obj, msg),
    child: (more) => make({ ...bindings, ...more }),
  });

  return {
    logger: make({}),
    withheldLines: () => withheld,
    isLevelEnabled: (level) => root.isLevelEnabled(level),
    close: async () => {
      await close();
      // A line written after shutdown (a late callback, a report of a failure while closing)
      // goes to standard error, synchronously, rather than to the closed destination or nowhere.
      root = pino(pinoOptions, pino.destination({ fd: 2, sync: true }));
    },
  };
}

function maskContextOf(
  bindings: Readonly<Record<string, unknown>>,
  fields: Record<string, unknown> | undefined,
): MaskContext {
  const agentId = fields?.agentId ?? bindings.agentId;
  const runId = fields?.runId ?? bindings.runId;
  return {
    purpose: 'log',
    ...(typeof agentId === 'string' ? { agentId } : {}),
    ...(typeof runId === 'string' ? { runId } : {}),
  };
}

async function openDestination(destination: PinoLoggerOptions['destination']): Promise<{
  stream: LineDestination & DestinationStream;
  close: () => Promise<void>;
}> {
  if (destination === undefined) {
    return {
      stream: pino.destination({ dest: 1, sync: true }),
      close: () => Promise.resolve(),
    };
  }
  if (typeof destination === 'string') {
    if (destination.trim().length === 0) throw invalidDestination(destination);
    // Opened here, so that a path that cannot be written fails installation with its reason
    // rather than later in an 'error' event; pino's writer then owns and closes the descriptor.
    // A plain descriptor, not a FileHandle: a FileHandle closes its descriptor when collected.
    let fd: number;
    try {
      await mkdir(dirname(destination), { recursive: true });
      fd = await new Promise<number>((resolve, reject) =>
        open(destination, 'a', (error, opened) => (error ? reject(error) : resolve(opened))),
      );
    } catch (error) {
      throw unwritableFile(destination, error as Error);
    }
    const file = pino.destination({ dest: fd, sync: false });
    // A failed write must neither crash the process (an 'error' event nobody hears) nor pass
    // unnoticed: it is printed where the operator sees it.
    file.on('error', (error: Error) => {
      process.stderr.write(
        `@agentry/monitoring: the log file ${destination} cannot be written: ${error.message}\n`,
      );
    });
    return {
      stream: file,
      close: () =>
        new Promise<void>((resolve) => {
          file.once('close', () => resolve());
          file.end();
        }),
    };
  }
  if (typeof (destination as { write?: unknown } | null)?.write !== 'function') {
    throw invalidDestination(destination);
  }
  return { stream: destination, close: () => Promise.resolve() };
}

function unwritableFile(path: string, error: Error): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message: `The log file ${path} cannot be opened for writing: ${error.message}`,
    details: { path: 'destination', received: path },
    suggestions: [
      'Check that the path names a file (not a directory) that this process may write.',
    ],
    cause: error,
  });
}

function invalidDestination(received: unknown): AgentryError {
  return new AgentryError({
    code: 'config_invalid',
    message: `The logging destination ${JSON.stringify(received) ?? String(received)} is neither a writable stream nor a file path.`,
    details: { path: 'destination', received: typeof received },
    suggestions: [
      'Pass a writable stream (process.stderr, a file stream) or a non-empty file path as destination, or leave it out for standard output.',
    ],
  });
}
