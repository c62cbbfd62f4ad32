/**
 * The Durable Streams conformance tests our server does not run, and why. Each entry is matched
 * against a test's describe block (`suite`) or its exact name (`test`). The README's "Durable
 * Streams compatibility" section lists the same.
 */
export const excludedConformanceTests: readonly {
  readonly suite?: RegExp;
  readonly test?: string;
  readonly reason: string;
}[] = [
  {
    suite: /^Fork - /,
    reason:
      'Forks (Stream-Forked-From, Stream-Fork-Offset, soft-deleted sources) are an extension Agentry does not implement: a fork header is ignored and the stream is created empty.',
  },
  {
    test: 'should extend TTL on write (sliding window)',
    reason:
      'Stream-TTL is a fixed expiry here (now + TTL at creation); RealtimeLog has no sliding expiry.',
  },
  {
    test: 'should extend TTL on GET ?offset=now (sliding window)',
    reason: 'Stream-TTL is a fixed expiry here; reads do not extend it.',
  },
  {
    test: 'should extend TTL on close-only POST (sliding window)',
    reason: 'Stream-TTL is a fixed expiry here; writes do not extend it.',
  },
  {
    test: 'should extend TTL on producer close-only POST (sliding window)',
    reason: 'Stream-TTL is a fixed expiry here; writes do not extend it.',
  },
  {
    test: 'should extend TTL on read (sliding window)',
    reason: 'Stream-TTL is a fixed expiry here; reads do not extend it.',
  },
];
