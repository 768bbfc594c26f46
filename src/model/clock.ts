/**
 * The model's time: milliseconds since the model started (its "jiffies"), and timers for the
 * work Linux does later (DAD completion, address lifetimes). The daemon runs on SystemClock;
 * tests use ManualClock and move time forward explicitly instead of sleeping.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` once the clock reaches `at` (never synchronously inside the call). */
  schedule(at: number, fn: () => void): Timer;
}

export interface Timer {
  cancel(): void;
}

/** setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT = 0x7fffffff;
/**
 * A TimerGate puts off timers set at least DEFER_FROM_MS ahead (DAD's second, a lifetime; not
 * the work Linux queues to run at once, as a NODAD address's announcement), by at most
 * MAX_DEFER_MS, looking again every DEFER_RETRY_MS.
 */
const DEFER_FROM_MS = 100;
const DEFER_RETRY_MS = 5;
const MAX_DEFER_MS = 100;

interface GatedTimer {
  /** When it fell due (Date.now() ms: the clocks sharing a gate started at different times). */
  due: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Due timers of every SystemClock sharing it wait, in time order, while `busy()` says so. The
 * daemon passes "a client is being served dumps": the work Linux does on its timers and work
 * queues (DAD completions, router solicitations; on other CPUs there) runs on the daemon's one
 * thread, and a rig's first dumps, sent right after it built its devices, came in the middle of
 * 2,000 DAD completions. Linux's own DAD starts after a random delay of up to a second. One gate
 * for every namespace: one retry timer, however many namespaces have timers waiting.
 */
export class TimerGate {
  private waiting: GatedTimer[] = [];
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly busy: () => boolean) {}

  /** Whether `t`, due now, runs now; if not, it runs later, after the timers put off before it. */
  admit(t: GatedTimer): boolean {
    if (Date.now() - t.due >= MAX_DEFER_MS || (this.waiting.length === 0 && !this.busy())) return true;
    let i = this.waiting.length;
    while (i > 0 && this.waiting[i - 1]!.due > t.due) i--;
    this.waiting.splice(i, 0, t);
    this.retry ??= setTimeout(() => this.runWaiting(), DEFER_RETRY_MS).unref();
    return false;
  }

  private runWaiting(): void {
    this.retry = undefined;
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (Date.now() - head.due < MAX_DEFER_MS && this.busy()) break;
      this.waiting.shift();
      if (!head.cancelled) head.fn();
    }
    if (this.waiting.length > 0) this.retry = setTimeout(() => this.runWaiting(), DEFER_RETRY_MS).unref();
  }
}

export class SystemClock implements Clock {
  private readonly startedAt = Date.now();

  /** `gate`: due timers set for later may wait while it says so (TimerGate). */
  constructor(private readonly gate?: TimerGate) {}

  now(): number {
    return Date.now() - this.startedAt;
  }

  schedule(at: number, fn: () => void): Timer {
    let handle: NodeJS.Timeout;
    const gate = at - this.now() >= DEFER_FROM_MS ? this.gate : undefined;
    const timer: GatedTimer = { due: this.startedAt + at, fn, cancelled: false };
    // Timers must not keep the process alive: a stopping daemon just drops pending work.
    const arm = (wait: number) => {
      handle = setTimeout(fire, Math.min(Math.max(wait, 0), MAX_TIMEOUT)).unref();
    };
    const fire = () => {
      const early = at - this.now();
      if (early > 0) arm(early);
      else if (!gate || gate.admit(timer)) fn();
    };
    arm(at - this.now());
    return {
      cancel: () => {
        clearTimeout(handle);
        timer.cancelled = true;
      },
    };
  }
}

interface Pending {
  at: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to; due timers run in time order (then in scheduling order). */
export class ManualClock implements Clock {
  private time = 0;
  private order = 0;
  private pending: Pending[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(at: number, fn: () => void): Timer {
    const p: Pending = { at, order: this.order++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => void (p.cancelled = true) };
  }

  /** Moves time forward by `ms`, running every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) if (p.at <= target && (!next || p.at < next.at || (p.at === next.at && p.order < next.order))) next = p;
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = target;
  }

  /** Runs the work that is due now (Linux's "soon" work queues, e.g. NODAD completion). */
  flush(): void {
    this.advance(0);
  }

  /** Timers still waiting. */
  get waiting(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}
