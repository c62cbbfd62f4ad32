import { totalmem } from 'node:os';
import type { AgentryMetricFamilies } from './agentry-metric-families.js';

/**
 * @internal Samples uptime and memory into their gauges. The memory limit is the process's cgroup
 * limit when Node reports one below the machine's memory, else the machine's memory.
 */
export function createProcessSampler(families: AgentryMetricFamilies): () => void {
  const uptime = families.uptime.series([]);
  const resident = families.residentMemory.series([]);
  const heap = families.heapUsed.series([]);
  const limit = families.memoryLimit.series([]);
  const constrained = (process as { constrainedMemory?: () => number | undefined })
    .constrainedMemory;
  return () => {
    const machine = totalmem();
    const cgroup = constrained?.call(process);
    limit.set(cgroup !== undefined && cgroup > 0 && cgroup < machine ? cgroup : machine);
    uptime.set(process.uptime());
    resident.set(process.memoryUsage.rss());
    heap.set(process.memoryUsage().heapUsed);
  };
}
