import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRealtimeLogConformance } from '@agentry/testing/vitest';
import { afterAll } from 'vitest';
import { testedDrivers } from '../__fixtures__/drivers.js';
import { createSqliteRealtimeLog } from './sqlite-realtime-log.js';

const directory = mkdtempSync(join(tmpdir(), 'agentry-sqlite-realtime-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let count = 0;
for (const driver of testedDrivers)
  describeRealtimeLogConformance(`createSqliteRealtimeLog (${driver})`, ({ clock }) =>
    createSqliteRealtimeLog({
      path: join(directory, `log-${(count += 1)}.db`),
      driver,
      clock,
      onListenerError: (error) => {
        throw error;
      },
    }),
  );
