/** @internal What a tool's CPU time is taken from: the turn's `maxCpu` budget, in milliseconds. */
export interface CpuBudget {
  /** Milliseconds left; at or below 0, the turn's later tool calls are refused. */
  remainingMs: number;
}

type CpuUsageReader = (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;

// Node 22.15 and 23.9 measure the CPU time of the calling thread alone; older versions only the
// whole process's.
const threadCpuUsage = (process as { threadCpuUsage?: CpuUsageReader }).threadCpuUsage?.bind(
  process,
);

/**
 * Runs a synchronous stretch of a tool's own code and takes the CPU time it used from `budget`.
 *
 * Nothing else runs on the thread while the stretch runs, so its time is the tool's alone: other
 * agents, other requests and the tool's own waits on I/O are never charged. With
 * `process.threadCpuUsage` the charge is the thread's CPU time; without it, the least of the
 * process's CPU time and the elapsed time of the stretch, each an upper bound of the thread's
 * (the first grows with the process's other threads, the second when the thread waits for a
 * core). Code the tool runs after an `await`, or on other threads, is not seen.
 *
 * @internal
 */
export function chargeToolCpu<T>(segment: () => T, budget: CpuBudget): T {
  if (threadCpuUsage) {
    const before = threadCpuUsage();
    try {
      return segment();
    } finally {
      const used = threadCpuUsage(before);
      budget.remainingMs -= (used.user + used.system) / 1000;
    }
  }
  const started = performance.now();
  const before = process.cpuUsage();
  try {
    return segment();
  } finally {
    const used = process.cpuUsage(before);
    budget.remainingMs -= Math.min((used.user + used.system) / 1000, performance.now() - started);
  }
}
