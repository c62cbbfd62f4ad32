import { describe, expect, it } from 'vitest';
import { runBuilt } from './run-built.js';

const subcommands = [
  ['init'],
  ['validate'],
  ['migrate'],
  ['emulator'],
  ['runs', 'list'],
  ['runs', 'show'],
  ['runs', 'resume'],
  ['runs', 'approve'],
  ['runs', 'reject'],
  ['runs', 'cancel'],
  ['doctor'],
];

describe('agentry', () => {
  it('lists every command and the exit codes with --help', async () => {
    const { code, stdout } = await runBuilt(['--help']);
    expect(code).toBe(0);
    for (const words of subcommands) expect(stdout).toContain(`  ${words.join(' ')} `);
    expect(stdout).toContain('2  usage error');
    expect(stdout).toContain('3  failure');
  });

  it('prints its version', async () => {
    const { code, stdout } = await runBuilt(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(subcommands)('has help for %s', async (...words) => {
    const { code, stdout } = await runBuilt([...words, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: agentry ${words.join(' ')}`);
    expect(stdout).toContain('--json');
    expect(stdout).toContain('Exit codes: 0 ok, 1 problems found, 2 usage error, 3 failure.');
  });

  it('refuses an unknown command with the nearest one (exit 2)', async () => {
    const { code, stderr } = await runBuilt(['valdate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "valdate"');
    expect(stderr).toContain('Did you mean agentry validate?');
  });

  it('refuses an unknown option with the nearest one (exit 2)', async () => {
    const { code, stderr } = await runBuilt(['validate', '--jsno']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown option --jsno for agentry validate');
    expect(stderr).toContain('Did you mean --json?');
    expect(stderr).toContain('agentry validate --help');
  });

  it('refuses an unknown runs subcommand with the nearest one', async () => {
    const { code, stderr } = await runBuilt(['runs', 'lst']);
    expect(code).toBe(2);
    expect(stderr).toContain('Did you mean agentry runs list?');
  });

  it('reports a usage error as JSON under --json', async () => {
    const { code, stdout } = await runBuilt(['runs', 'show', '--json']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(report.ok).toBe(false);
    expect(report.error.code).toBe('validation_failed');
    expect(report.error.message).toContain('needs 1 argument');
  });

  it('prints the command list and exits 2 without a command', async () => {
    const { code, stdout } = await runBuilt([]);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: agentry <command>');
  });
});
