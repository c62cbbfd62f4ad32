import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { chargeOf, type ConsumeOutcome, type LimitRule, type LimitStore } from './limit-store.js';

/**
 * One atomic script per call, the same algorithm as the memory store: a token bucket and the
 * window's state in hash `KEYS[1]` (tokens, at, sum of the window, seq = the last grant's id, base
 * = the id of the log's first entry, old = its time) and the window's grants, oldest first, in list
 * `KEYS[2]` (entries `time:cost`, time in ms; a grant's id is its index plus `base`). The clock
 * is the server's `TIME`, so processes with skewed clocks share one timeline. Both keys carry the same `{hash tag}`, so the script runs on Redis
 * Cluster too.
 *
 * ARGV: op (`consume` | `adjust`), limit, capacity, windowMs, then for consume: cost; for adjust:
 * id, charged, actual. Floats travel as strings (a Lua number returned to Redis is truncated).
 */
export const LIMIT_SCRIPT = `
-- %.17g keeps every bit of a double (tostring keeps 14 digits: a tenth of a millisecond here).
local function exact(value) return string.format('%.17g', value) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local limit = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'sum', 'seq', 'base', 'old')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
local sum = tonumber(state[3]) or 0
local seq = tonumber(state[4]) or 0
local base = tonumber(state[5]) or 1
local oldest = tonumber(state[6])
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * limit / window)
  at = now
end
-- The oldest grant's time is kept in the hash, so a call that expires nothing reads no log.
local edge = now - window
if oldest and oldest <= edge then
  oldest = nil
  local batch
  repeat
    batch = redis.call('LRANGE', KEYS[2], 0, 63)
    local expired = 0
    for index = 1, #batch do
      local time, cost = string.match(batch[index], '^(.-):(.+)$')
      time = tonumber(time)
      if time > edge then
        oldest = time
        break
      end
      expired = index
      sum = sum - tonumber(cost)
    end
    if expired > 0 then
      redis.call('LTRIM', KEYS[2], expired, -1)
      base = base + expired
    end
  until oldest or #batch < 64
  if not oldest then sum = 0 end
end
local result
if ARGV[1] == 'consume' then
  local cost = tonumber(ARGV[5])
  if tokens + 1e-9 >= cost and sum + cost <= limit then
    tokens = tokens - cost
    sum = sum + cost
    seq = seq + 1
    if not oldest then
      base = seq
      oldest = now
    end
    redis.call('RPUSH', KEYS[2], exact(now) .. ':' .. cost)
    result = {1, seq}
  else
    local wait = 0
    if tokens + 1e-9 < cost then wait = (cost - tokens) * window / limit end
    local excess = sum + cost - limit
    local offset = 0
    while excess > 0 do
      local batch = redis.call('LRANGE', KEYS[2], offset, offset + 63)
      if #batch == 0 then break end
      for index = 1, #batch do
        local time, entry = string.match(batch[index], '^(.-):(.+)$')
        excess = excess - tonumber(entry)
        if excess <= 0 then
          wait = math.max(wait, tonumber(time) + window - now)
          break
        end
      end
      offset = offset + 64
    end
    result = {0, math.max(1, math.ceil(wait - 1e-6))}
  end
else
  local charged = tonumber(ARGV[6])
  local actual = tonumber(ARGV[7])
  local difference = actual - charged
  tokens = math.min(capacity, tokens - difference)
  local index = tonumber(ARGV[5]) - base
  if index >= 0 and oldest then
    local entry = redis.call('LINDEX', KEYS[2], index)
    if entry then
      local time = string.match(entry, '^(.-):')
      redis.call('LSET', KEYS[2], index, time .. ':' .. ARGV[7])
      sum = sum + difference
    end
  end
  result = {1, 0}
end
redis.call('HSET', KEYS[1], 'tokens', exact(tokens), 'at', exact(at), 'sum', exact(sum), 'seq', seq, 'base', base, 'old', oldest and exact(oldest) or '')
-- Kept until the bucket is full again and the window empty; then a fresh key is the same state.
local ttl = math.ceil(math.max(window, (capacity - tokens) * window / limit)) + 1000
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
return result
`;

const SCRIPT_SHA = createHash('sha1').update(LIMIT_SCRIPT).digest('hex');

// The key's characters that would end or open a hash tag, and the escape itself, are %-encoded.
const tagOf = (key: string): string =>
  key.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** Runs the script with EVALSHA, loading it with EVAL when the server does not know it yet. */
async function run(
  redis: Redis,
  keys: [string, string],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(SCRIPT_SHA, 2, ...keys, ...args);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('NOSCRIPT'))
      return redis.eval(LIMIT_SCRIPT, 2, ...keys, ...args);
    throw error;
  }
}

/** The Redis store: every check is one atomic script on the server, shared by every process. */
export class RedisLimitStore implements LimitStore {
  readonly #redis: Redis;
  readonly #rule: LimitRule;
  readonly #prefix: string;
  readonly #ruleArgs: string[];

  constructor(redis: Redis, rule: LimitRule, prefix: string) {
    this.#redis = redis;
    this.#rule = rule;
    this.#prefix = prefix;
    this.#ruleArgs = [String(rule.limit), String(rule.capacity), String(rule.windowMs)];
  }

  /**
   * Whether a call may be tried: the client is connected or making its first connection (the
   * call's timeout bounds that); not while it reconnects after losing the server, or once closed.
   */
  get ready(): boolean {
    const status = this.#redis.status;
    return status !== 'reconnecting' && status !== 'close' && status !== 'end';
  }

  async consume(key: string, cost: number): Promise<ConsumeOutcome> {
    const charged = chargeOf(this.#rule, cost);
    const reply = (await run(this.#redis, this.#keys(key), [
      'consume',
      ...this.#ruleArgs,
      charged,
    ])) as [number, number];
    return reply[0] === 1
      ? { ok: true, id: reply[1], charged }
      : { ok: false, retryAfterMs: reply[1] };
  }

  async adjust(key: string, id: number, charged: number, actual: number): Promise<void> {
    if (!this.ready) return; // an outage loses the correction, never blocks on it
    await run(this.#redis, this.#keys(key), ['adjust', ...this.#ruleArgs, id, charged, actual]);
  }

  #keys(key: string): [string, string] {
    const base = `${this.#prefix}{${tagOf(key)}}`;
    return [`${base}:b`, `${base}:w`];
  }
}
