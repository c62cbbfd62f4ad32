import { expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { StoredEnvelope, storedEnvelopeSchema } from './stored-envelope.js';

test('storedEnvelopeSchema parses to a StoredEnvelope', () => {
  expectTypeOf<z.infer<typeof storedEnvelopeSchema>>().toEqualTypeOf<StoredEnvelope>();
});
