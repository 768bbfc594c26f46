// Neighbour table parameters (struct neigh_parms defaults of arp_tbl and nd_tbl), as
// RTM_GETNEIGHTBL reports them. Probed on 6.18 (linux-netns-neigh.md §5).

export interface NeighParams {
  reachableTime: number;
  baseReachableTime: number;
  retransTime: number;
  gcStaletime: number;
  delayProbeTime: number;
  queueLenBytes: number;
  queueLen: number;
  proxyQlen: number;
  appProbes: number;
  ucastProbes: number;
  mcastProbes: number;
  mcastReprobes: number;
  anycastDelay: number;
  proxyDelay: number;
  locktime: number;
  intervalProbeTimeMs: number;
}

/** Milliseconds unless named otherwise. */
export function defaultParams(family: 'inet' | 'inet6'): NeighParams {
  return {
    // The kernel draws reachable_time in [base/2, 3*base/2); rtnld uses base, so tests can count on it.
    reachableTime: 30000, baseReachableTime: 30000, retransTime: 1000, gcStaletime: 60000, delayProbeTime: 5000,
    queueLenBytes: 212992, queueLen: 101, proxyQlen: 64, appProbes: 0, ucastProbes: 3, mcastProbes: 3, mcastReprobes: 0,
    anycastDelay: 1000, proxyDelay: 800, locktime: family === 'inet' ? 1000 : 0, intervalProbeTimeMs: 5000,
  };
}

/** gc_interval and the gc thresholds of both tables (neigh_table_init). */
export const TABLE_GC = { interval: 30000, thresh1: 128, thresh2: 512, thresh3: 1024 } as const;

/** tbl->id names. */
export const TABLE_NAME = { inet: 'arp_cache', inet6: 'ndisc_cache' } as const;
