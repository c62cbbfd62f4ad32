import type { Masker } from './plugin-services.js';
import { redactError } from '../providers/redact-secrets.js';

/**
 * A structured logger, in the shape pino's loggers have: each method takes an object of fields
 * (or a message alone) and an optional message. Monitoring provides one backed by pino under
 * `services.logger`; plug-ins log through `host.logger`, which uses it once it is provided.
 *
 * @example
 * ```ts
 * import type { Logger } from '@agentry/core';
 *
 * declare const logger: Logger;
 * const orders = logger.child({ component: 'orders' });
 * orders.info({ orderId: 'A-1001' }, 'order received');
 * orders.warn('stock is low');
 * ```
 */
export interface Logger {
  /** Detail for debugging. */
  debug(obj: Record<string, unknown> | string, msg?: string): void;
  /** Normal operation worth recording. */
  info(obj: Record<string, unknown> | string, msg?: string): void;
  /** Something unexpected that the program recovered from. */
  warn(obj: Record<string, unknown> | string, msg?: string): void;
  /** A failure that someone should look at. */
  error(obj: Record<string, unknown> | string, msg?: string): void;
  /** A logger that adds `bindings` to every line it writes. */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Options of {@link createConsoleLogger}.
 *
 * @example
 * ```ts
 * import { createConsoleLogger, type ConsoleLoggerOptions } from '@agentry/core';
 *
 * const lines: string[] = [];
 * const options: ConsoleLoggerOptions = { write: (line) => lines.push(line) };
 * createConsoleLogger(options).warn({ attempt: 2 }, 'retrying');
 * console.log(lines); // ['WARN retrying {"attempt":2}']
 * ```
 */
export interface ConsoleLoggerOptions {
  /** Where each line goes (default `console.error`). */
  write?: (line: string) => void;
  /**
   * The masker each line passes through before it is written, looked up per line (an instance's
   * default logger uses its `services.masker`). A line the masker throws on is withheld: only its
   * level and a notice are written.
   */
  masker?: () => Masker | undefined;
}

/**
 * Core's logger for when no plug-in provides `services.logger`: `warn` and `error` write one line
 * each (`WARN message {"field":"value"}`) to `console.error`; `debug` and `info` are dropped, so
 * that an application without a logging plug-in is not flooded. Strings that look like credentials
 * (vendor keys, bearer tokens, URL credentials) and fields named like secrets are masked, and a
 * line never throws: a value that cannot be written as JSON is described instead. An instance's
 * default logger also passes each line through the instance's masker (`services.masker`, which
 * `@agentry/security` provides), so personal data is masked without a logging plug-in too.
 * Install `@agentry/monitoring` for levels and formats.
 *
 * @example
 * ```ts
 * import { createConsoleLogger } from '@agentry/core';
 *
 * const logger = createConsoleLogger().child({ component: 'billing' });
 * logger.info('dropped: info is not written by the default logger');
 * logger.error({ invoice: 'INV-7' }, 'payment failed'); // ERROR payment failed {"component":"billing","invoice":"INV-7"}
 * ```
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  // The documented default output of the SDK when no logger is installed.
  // eslint-disable-next-line no-console
  const write = options.write ?? ((line: string) => console.error(line));
  return consoleLogger(write, {}, options.masker);
}

function consoleLogger(
  write: (line: string) => void,
  bindings: Readonly<Record<string, unknown>>,
  masker: (() => Masker | undefined) | undefined,
): Logger {
  const line =
    (level: string) =>
    (obj: Record<string, unknown> | string, msg?: string): void => {
      let fields = typeof obj === 'string' ? bindings : { ...bindings, ...obj };
      let message = typeof obj === 'string' ? (msg === undefined ? obj : `${obj} ${msg}`) : msg;
      const mask = masker?.();
      if (mask !== undefined) {
        try {
          fields = mask.mask(fields, { purpose: 'log' });
          message = message === undefined ? undefined : mask.mask(message, { purpose: 'log' });
        } catch {
          try {
            write(`${level} A log line was withheld: the masker threw.`);
          } catch {
            // Nowhere left to report to.
          }
          return;
        }
      }
      const text = redactError(message ?? '') as string;
      const json = Object.keys(fields).length > 0 ? ` ${toJsonLine(redactError(fields))}` : '';
      try {
        write(`${level}${text === '' ? '' : ` ${text}`}${json}`.replace(/[\r\n]+/g, ' '));
      } catch {
        // A logger must not fail its caller; there is nowhere left to report to.
      }
    };
  const drop = () => undefined;
  return {
    debug: drop,
    info: drop,
    warn: line('WARN'),
    error: line('ERROR'),
    child: (more) => consoleLogger(write, { ...bindings, ...more }, masker),
  };
}

/** JSON of log fields that never throws: errors as name and message, cycles and bigints named. */
function toJsonLine(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, field: unknown) => {
      if (typeof field === 'bigint') return `${field}n`;
      if (field instanceof Error) return { name: field.name, message: field.message };
      if (typeof field === 'object' && field !== null) {
        if (seen.has(field)) return '[circular]';
        seen.add(field);
      }
      return field;
    });
  } catch {
    return '"[fields that cannot be written as JSON]"';
  }
}

/**
 * A logger that, at every call, writes to the logger `resolve` returns (the one a plug-in provides
 * under `services.logger`), or to `fallback` while there is none: a plug-in set up before the one
 * providing the logger still logs through it once it is provided. Children keep their bindings
 * and follow the same rule; each provided logger's child is made once and reused.
 *
 * @internal
 */
export function createDelegatingLogger(
  resolve: () => Logger | undefined,
  fallback: Logger,
  bindings: Readonly<Record<string, unknown>> = {},
): Logger {
  let target: Logger | undefined;
  let bound: Logger | undefined;
  const hasBindings = Object.keys(bindings).length > 0;
  const current = (): Logger => {
    const provided = resolve() ?? fallback;
    if (provided !== target) {
      target = provided;
      bound = hasBindings ? provided.child(bindings) : provided;
    }
    return bound as Logger;
  };
  // `msg` is passed on only when given, as pino tells `(obj)` from `(obj, undefined)`.
  return {
    debug: (obj, msg) => (msg === undefined ? current().debug(obj) : current().debug(obj, msg)),
    info: (obj, msg) => (msg === undefined ? current().info(obj) : current().info(obj, msg)),
    warn: (obj, msg) => (msg === undefined ? current().warn(obj) : current().warn(obj, msg)),
    error: (obj, msg) => (msg === undefined ? current().error(obj) : current().error(obj, msg)),
    child: (more) => createDelegatingLogger(resolve, fallback, { ...bindings, ...more }),
  };
}
