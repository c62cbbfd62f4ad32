/**
 * The ring of time buckets behind window queries. Owner of the buckets' state:
 *
 * - the open bucket is the current interval (`Math.floor(now / bucketMs)`, its epoch): the series
 *   written in it are listed in `#touched`, each holding its own cell for that epoch;
 * - when time reaches a later epoch, the open bucket is closed: every touched series appends its
 *   cell to one `Float32Array` (`[seriesId, ...payload]` per series, see `RingWriter`), stored in
 *   slot `epoch % length`; slots of the epochs skipped over (no writes) are emptied, so a slot
 *   never holds a bucket older than `length` intervals: what falls out of retention is dropped
 *   when the ring moves past it, not when a query reads it.
 *
 * Memory is proportional to the (series, interval) pairs that saw a write, and bounded by
 * `length` x the series count; an interval nobody wrote to costs one empty slot.
 */

/** @internal A series as the ring sees it: it writes its cell for the open epoch into a bucket. */
export interface RingWriter {
  /** Appends `[id, ...payload]` for the open epoch's cell to `out`. */
  encode(out: number[]): void;
}

/** @internal A closed bucket: its epoch and its entries. */
export interface ClosedBucket {
  readonly epoch: number;
  readonly data: Float32Array;
}

/** @internal */
export class TimeRing {
  readonly bucketMs: number;
  readonly length: number;
  readonly now: () => number;
  #openEpoch: number;
  /** Set while a caller has pinned the time (one event's writes share one clock read). */
  #pinned = false;
  #touched: RingWriter[] = [];
  readonly #closed: (ClosedBucket | undefined)[];

  constructor(bucketMs: number, length: number, now: () => number) {
    this.bucketMs = bucketMs;
    this.length = length;
    this.now = now;
    this.#openEpoch = Math.floor(now() / bucketMs);
    this.#closed = new Array<ClosedBucket | undefined>(length).fill(undefined);
  }

  /**
   * The open epoch, after closing the previous one when the clock has moved on. A clock that goes
   * back keeps writing into the open bucket rather than into the past.
   */
  epoch(): number {
    if (this.#pinned) return this.#openEpoch;
    const epoch = Math.floor(this.now() / this.bucketMs);
    if (epoch > this.#openEpoch) this.#roll(epoch);
    return this.#openEpoch;
  }

  /**
   * Moves the ring to `time` and makes writes use that epoch without reading the clock until
   * {@link TimeRing.unpin}: an event's several writes then cost one clock read (with the default
   * clock a read is about 40 ns; an agent turn writes about a dozen series, bench/metrics.bench.ts).
   */
  pin(time: number): void {
    const epoch = Math.floor(time / this.bucketMs);
    if (epoch > this.#openEpoch) this.#roll(epoch);
    this.#pinned = true;
  }

  /** Ends {@link TimeRing.pin}. */
  unpin(): void {
    this.#pinned = false;
  }

  /** Lists a series as written in the open bucket; called once per series and epoch. */
  touch(writer: RingWriter): void {
    this.#touched.push(writer);
  }

  /** The series written in the open bucket. */
  openWriters(): readonly RingWriter[] {
    return this.#touched;
  }

  /** The closed bucket of an epoch, if it is still held and saw writes. */
  closed(epoch: number): ClosedBucket | undefined {
    const bucket = this.#closed[epoch % this.length];
    return bucket?.epoch === epoch ? bucket : undefined;
  }

  /** How many closed buckets are held, and their entries' bytes (for the memory benchmark). */
  footprint(): { buckets: number; bytes: number } {
    let buckets = 0;
    let bytes = 0;
    for (const bucket of this.#closed) {
      if (bucket === undefined) continue;
      buckets += 1;
      bytes += bucket.data.byteLength;
    }
    return { buckets, bytes };
  }

  #roll(epoch: number): void {
    const closing = this.#openEpoch;
    if (this.#touched.length > 0) {
      const out: number[] = [];
      for (const writer of this.#touched) writer.encode(out);
      this.#closed[closing % this.length] = { epoch: closing, data: Float32Array.from(out) };
    } else this.#closed[closing % this.length] = undefined;
    // The epochs skipped over had no writes: their slots (and the new open epoch's) now hold
    // buckets that fell out of retention.
    const last = Math.min(epoch, closing + this.length);
    for (let skipped = closing + 1; skipped <= last; skipped += 1)
      this.#closed[skipped % this.length] = undefined;
    this.#openEpoch = epoch;
    this.#touched = [];
  }
}
