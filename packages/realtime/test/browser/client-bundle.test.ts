import { describe, expect, it } from 'vitest';
import { bundleClient } from './client-bundle.js';

describe('the @agentry/realtime/client browser bundle', () => {
  it('holds only the client, the protocol, channel names and core’s browser entry: no Node built-ins, no ws, no rxjs', async () => {
    const bundle = await bundleClient();
    const outside = bundle.inputs.filter(
      (input) =>
        !input.startsWith('packages/realtime/src/client') &&
        input !== 'packages/realtime/src/protocol.ts' &&
        // `realtimeChannels`, so a page names a run's channel as the server does.
        input !== 'packages/realtime/src/plugin/channel-names.ts' &&
        !/^packages\/core\/src\/(browser\.ts|errors\/|realtime\/realtime-offset\.ts)/.test(input),
    );
    expect(outside).toEqual([]);
    expect(bundle.code).not.toMatch(/from\s*["'](node:|ws["']|rxjs)/);
    // The size the README states (gzip -9 of the minified ESM); raise it knowingly.
    expect(bundle.gzipBytes).toBeLessThan(10 * 1024);
  }, 30_000);
});
