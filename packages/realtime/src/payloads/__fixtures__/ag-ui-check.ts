import { verifyEvents } from '@ag-ui/client';
import { EventSchema } from '@ag-ui/core/schemas';
import { from, lastValueFrom, toArray } from 'rxjs';
import type { AgUiEvent } from '../ag-ui-types.js';

/** Each event parses with @ag-ui/core's own schema; returns the failures (empty when all pass). */
export function schemaFailures(events: readonly AgUiEvent[]): string[] {
  const failures: string[] = [];
  events.forEach((event, index) => {
    const parsed = EventSchema.safeParse(event);
    if (!parsed.success) failures.push(`#${index} ${event.type}: ${parsed.error.message}`);
  });
  return failures;
}

/** Runs the sequence through @ag-ui/client's verifyEvents, which rejects an out-of-order event. */
export async function verifySequence(events: readonly AgUiEvent[]): Promise<void> {
  await lastValueFrom(
    from(events as never[]).pipe(
      (source) => verifyEvents()(source as never) as unknown as typeof source,
      toArray(),
    ),
  );
}
