import { AgentryError } from '@agentry/core';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { createOutput, reportError, usageError } from './output.js';

function recordingIo(stderrIsTTY: boolean): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    stderrIsTTY,
    cwd: '/',
    env: {},
  };
}

describe('createOutput', () => {
  describe('progress', () => {
    it('draws on standard error when it is a terminal, and clears the line at the end', () => {
      const io = recordingIo(true);
      const progress = createOutput(io, false).progress('Loading plug-ins');
      progress.update('Opening stores');
      progress.end();
      expect(io.err.join('')).toContain('Loading plug-ins');
      expect(io.err.join('')).toContain('Opening stores');
      expect(io.err.at(-1)).toBe('\r\x1b[2K');
      expect(io.out).toEqual([]);
    });

    it('draws nothing when standard error is not a terminal', () => {
      const io = recordingIo(false);
      const progress = createOutput(io, false).progress('Loading plug-ins');
      progress.update('Opening stores');
      progress.end();
      expect(io.err).toEqual([]);
    });

    it('draws nothing under --json, even on a terminal', () => {
      const io = recordingIo(true);
      createOutput(io, true).progress('Loading plug-ins').end();
      expect(io.err).toEqual([]);
    });
  });

  it('writes lines for people, or only the JSON document under --json', () => {
    const human = recordingIo(false);
    createOutput(human, false).line('hello');
    createOutput(human, false).result({ ok: true });
    expect(human.out).toEqual(['hello\n']);
    const json = recordingIo(false);
    createOutput(json, true).line('hello');
    createOutput(json, true).result({ ok: true });
    expect(json.out).toEqual(['{\n  "ok": true\n}\n']);
  });
});

describe('reportError', () => {
  it('exits 2 for a usage error and 3 for any other, with the suggestions', () => {
    const io = recordingIo(false);
    expect(reportError(io, false, usageError('Bad flag.', ['Use --json.']), 'agentry x')).toBe(2);
    expect(io.err.join('')).toBe(
      'error: Bad flag. (validation_failed)\n  hint: Use --json.\nSee the usage with: agentry x --help\n',
    );
    const failure = new AgentryError({
      code: 'not_found',
      message: 'No such run.',
      suggestions: [],
    });
    expect(reportError(recordingIo(false), false, failure)).toBe(3);
  });

  it('prints { ok: false, error } without the usage marker under --json', () => {
    const io = recordingIo(false);
    reportError(io, true, usageError('Bad flag.', ['Use --json.'], { option: '--jsno' }));
    expect(JSON.parse(io.out.join(''))).toEqual({
      ok: false,
      error: {
        code: 'validation_failed',
        message: 'Bad flag.',
        recoverable: false,
        details: { option: '--jsno' },
        suggestions: ['Use --json.'],
      },
    });
  });
});
