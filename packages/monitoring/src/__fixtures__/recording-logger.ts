import type { Logger } from '../logging/core-interfaces.js';

/** One line a {@link recordingLogger} received. */
export interface RecordedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps every line it is given, bindings merged, for assertions. */
export function recordingLogger(): { logger: Logger; lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: RecordedLine['level']) => (obj: Record<string, unknown> | string, msg?: string) => {
        lines.push(
          typeof obj === 'string'
            ? { level, fields: { ...bindings }, msg: obj }
            : { level, fields: { ...bindings, ...obj }, msg },
        );
      };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), lines };
}
