import { createAgentry, definePlugin } from '@agentry/core';
import { monitoring, installMetrics } from '@agentry/monitoring';
import { createMockProvider, providerConfiguration } from '@agentry/testing';
import { instantModel } from './dist/bench/instant-model.js';
const section = { metrics: { enabled: true, collectionInterval: 10000, retentionPeriod: 24, exportFormats: ['prometheus'] },
  logging: { level: 'warn', format: 'json', structured: true, compliance: { soc2: false, gdpr: false, auditTrail: false, dataRetention: 30 } },
  alerts: [], performanceThresholds: { maxResponseTime: 5000, maxErrorRate: 5, minThroughput: 0, maxMemoryUsage: 90 } };
const config = providerConfiguration({ type: 'openai', model: 'instant', authentication: { type: 'api_key', configuration: { apiKey: '${env:BENCH_KEY}' } } });
const prov = () => ({ name: 'p', version: '1.0.0', providers: [createMockProvider({ model: instantModel })] });
const inst = (kind) => createAgentry({ config: kind === 'mon' ? { ...config, monitoring: section } : config, env: { BENCH_KEY: 'mock-bench-key-1234' },
  plugins: [prov(), ...(kind === 'mon' ? [monitoring({ metrics: { prometheus: { port: 0 } }, retention: false })] : kind === 'met' ? [definePlugin({ name: 'm', version: '1.0.0', setup: async (h) => { await installMetrics(h, section.metrics); } })] : kind === 'nop' ? [definePlugin({ name: 'l', version: '1.0.0', setup: (h) => void h.events$.subscribe(() => undefined) })] : [])] });
async function run(a, n) { let agent = a.createAgent({}); const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) { if (i % 20 === 19) { await agent.shutdown(); agent = a.createAgent({}); } await agent.send('hi'); }
  await agent.shutdown(); return Number(process.hrtime.bigint() - t) / 1000 / n; }
const kinds = ['bare', 'nop', 'met', 'mon']; const sides = []; for (const k of kinds) sides.push(await inst(k));
for (let i = 0; i < 30; i++) for (const s of sides) await run(s, 200);
const t = kinds.map(() => []); for (let b = 0; b < 40; b++) for (let k = 0; k < 4; k++) { const j = (b + k) % 4; t[j].push(await run(sides[j], 200)); }
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(kinds.map((k, j) => k + ' +' + med(t[j].map((x, i) => x - t[0][i])).toFixed(2)).join('  '), 'bare', med(t[0]).toFixed(2));
for (const s of sides) await s.shutdown();
