/** @internal Where pino writes: one serialised line per call. */
export interface LineDestination {
  write(line: string): unknown;
}

const levelNames: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
// Fields every pino line has; the text form shows them in its fixed prefix, or not at all.
const prefixFields = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/**
 * Turns one pino JSON line into a line for a terminal:
 * `2026-12-07T09:16:12.000Z INFO  agent run started agentId=a-1 runId=r-1`. Strings without
 * spaces, quotes or `=` are written bare, others as JSON, objects as compact JSON.
 *
 * @internal
 */
export function formatTextLine(jsonLine: string): string {
  const record = JSON.parse(jsonLine) as Record<string, unknown>;
  const time =
    typeof record.time === 'number' ? new Date(record.time).toISOString() : String(record.time);
  const level =
    typeof record.level === 'number'
      ? (levelNames[record.level] ?? String(record.level))
      : String(record.level).toUpperCase();
  let line = `${time} ${level.padEnd(5)} ${typeof record.msg === 'string' ? record.msg : ''}`;
  for (const [name, value] of Object.entries(record)) {
    if (prefixFields.has(name) || value === undefined) continue;
    line += ` ${name}=${formatValue(value)}`;
  }
  return `${line.trimEnd()}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * A destination for pino that writes each line in the text form to `target`, in the same call
 * (no worker thread, no buffering of its own).
 *
 * @internal
 */
export function createTextLineStream(target: LineDestination): LineDestination {
  return {
    write(chunk: string) {
      // pino writes whole lines, each ending in a newline.
      for (const jsonLine of chunk.split('\n')) {
        if (jsonLine.length > 0) target.write(formatTextLine(jsonLine));
      }
    },
  };
}
