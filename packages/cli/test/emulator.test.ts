import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { bin, packageDirectory } from './run-built.js';

describe('agentry emulator', () => {
  it('serves the wire formats until it is stopped, printing its URL as JSON', async () => {
    const child = spawn(process.execPath, [bin, 'emulator', '--port', '0', '--json'], {
      cwd: packageDirectory,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const report = await new Promise<{ url: string; apis: Record<string, string> }>(
      (resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          stdout += chunk;
          try {
            resolve(JSON.parse(stdout) as { url: string; apis: Record<string, string> });
          } catch {
            // Not the whole document yet.
          }
        });
        child.once('exit', () => reject(new Error(`The emulator stopped: ${stdout}`)));
      },
    );
    expect(report.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${report.apis['openai-chat']}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test' },
      body: JSON.stringify({ model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain(
      'Hello from the Agentry provider emulator.',
    );
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad port (exit 2)', async () => {
    const child = spawn(process.execPath, [bin, 'emulator', '--port', 'eighty'], {
      cwd: packageDirectory,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be an integer from 0 to 65535; got "eighty".');
  });
});
