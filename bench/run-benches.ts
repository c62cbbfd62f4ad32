// Runs every benchmark of this package in turn, each in its own Node process, and fails at the end
// if any missed its target: one miss does not hide the others' figures.
import { spawnSync } from 'node:child_process';

const benches: [string, string[]][] = [
  ['agent-overhead', ['--expose-gc']],
  ['provider-overhead', []],
  ['workflow-overhead', []],
  ['metrics', ['--expose-gc']],
  ['tracing-overhead', []],
  ['realtime-idle-connections', ['--expose-gc']],
  ['realtime-broadcast', []],
  ['realtime-latency', []],
  ['rate-limits', []],
  ['authorization', []],
  ['security-turn', []],
  ['encryption', []],
  ['masking', []],
  ['audit-log', []],
];
const only = process.argv.slice(2);
const failed: string[] = [];
for (const [name, flags] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, [...flags, `dist/bench/${name}.bench.js`], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.log(`\nMissed or failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
