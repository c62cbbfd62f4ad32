import type { PerformanceMetrics } from '../schemas/performance-metrics.js';

/** The weight of the newest sample in the moving response time. */
const RESPONSE_TIME_WEIGHT = 0.2;

/**
 * An agent's live performance metrics: response time is an exponentially weighted moving average
 * of the latency to first output of each model step; error rate is failed turns over all turns.
 *
 * @internal
 */
export class AgentMetrics {
  #responseTime: number;
  #tokensUsed: number;
  #completed: number;
  #failed: number;
  #samples = 0;
  readonly #startedAt: number;
  readonly #now: () => number;

  constructor(now: () => number, initial?: PerformanceMetrics) {
    this.#now = now;
    this.#responseTime = initial?.responseTime ?? 0;
    this.#tokensUsed = initial?.tokensUsed ?? 0;
    this.#completed = initial?.requestsCompleted ?? 0;
    // Restore the failure count from the rate so that the rate carries over a restart.
    const rate = initial?.errorRate ?? 0;
    this.#failed = rate > 0 && rate < 1 ? Math.round((this.#completed * rate) / (1 - rate)) : 0;
    this.#samples = initial && initial.responseTime > 0 ? 1 : 0;
    this.#startedAt = now() - (initial?.uptime ?? 0);
  }

  /** Records a step's latency to first output and returns the new moving value. */
  recordLatency(milliseconds: number): number {
    this.#responseTime =
      this.#samples === 0
        ? milliseconds
        : this.#responseTime + RESPONSE_TIME_WEIGHT * (milliseconds - this.#responseTime);
    this.#samples += 1;
    return this.#responseTime;
  }

  recordTokens(tokens: number): void {
    this.#tokensUsed += tokens;
  }

  recordTurn(succeeded: boolean): void {
    if (succeeded) this.#completed += 1;
    else this.#failed += 1;
  }

  snapshot(): PerformanceMetrics {
    const turns = this.#completed + this.#failed;
    return {
      responseTime: this.#responseTime,
      tokensUsed: this.#tokensUsed,
      requestsCompleted: this.#completed,
      errorRate: turns === 0 ? 0 : this.#failed / turns,
      uptime: Math.max(0, this.#now() - this.#startedAt),
    };
  }
}
