import type { Link } from '../model/types.js';

/**
 * Work done ahead of requests (encoding the bodies a dump will copy: link-cache.ts, addr-cache.ts).
 * One queue for every namespace's caches: each event-loop turn runs steps for about a
 * millisecond, so requests are answered between turns however many namespaces have work (a rig
 * of 10,000 namespaces starts 20,000 fills at once), and no step runs while `busy()` says a
 * client is being served a dump (a step there only delays it).
 */
export type Busy = () => boolean;

export const NEVER_BUSY: Busy = () => false;

/** How long one turn's steps may run. */
const TURN_MS = 1;
/** How soon a turn put off by busy() is tried again. */
const BUSY_RETRY_MS = 5;

interface Task {
  /** Does a step of the work; false once there is none left. */
  step: () => boolean;
  busy: Busy;
}

let queue: Task[] = [];
let head = 0;
let scheduled = false;
const idleWaiters: (() => void)[] = [];

/** Runs `step` until it returns false (nothing left), a step at a time between requests, waiting while `busy()`. */
export function runInBackground(step: () => boolean, busy: Busy): void {
  queue.push({ step, busy });
  schedule(false);
}

function schedule(later: boolean): void {
  if (scheduled) return;
  scheduled = true;
  if (later) setTimeout(turn, BUSY_RETRY_MS).unref();
  else setImmediate(turn);
}

function turn(): void {
  scheduled = false;
  const started = performance.now();
  // Tasks whose daemon is serving a dump wait at the back; the others go on (the warm-up's
  // scratch daemon dumps all the time, and must not hold up the real one's work, nor it the warm-up's).
  let waiting = 0;
  while (head < queue.length) {
    const task = queue[head++]!;
    if (task.busy()) {
      queue.push(task);
      if (++waiting >= queue.length - head) return schedule(true);
      continue;
    }
    waiting = 0;
    if (task.step()) queue.push(task);
    if (performance.now() - started > TURN_MS) break;
  }
  if (head > 1024 && head * 2 > queue.length) {
    queue = queue.slice(head);
    head = 0;
  }
  if (head < queue.length) return schedule(false);
  queue = [];
  head = 0;
  for (const resolve of idleWaiters.splice(0)) resolve();
}

/** Resolves once no background work is left (the memory benchmark measures a daemon at rest). */
export function backgroundIdle(): Promise<void> {
  return head === queue.length ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

/** What a BackgroundWalk walks: a model's links in ascending ifindex order. */
interface LinkOrder {
  readonly size: number;
  linkAfter(index: number): Readonly<Link> | undefined;
}

/**
 * Below this many links a model is not walked ahead: its first dump encodes in well under a
 * millisecond anyway, and a daemon of a few links (tests, small rigs) then does no work between
 * requests beyond what they ask.
 */
const WALK_MIN_LINKS = 256;

/** Whether a model is big enough to be encoded ahead (WALK_MIN_LINKS). */
export const aheadWorthIt = (links: LinkOrder): boolean => links.size >= WALK_MIN_LINKS;

/**
 * A resumable walk over a model's links in ifindex order, run in the background (a few dozen
 * links a step) and rewound when links need visiting again: the fill of a body cache.
 */
export class BackgroundWalk {
  /** The last link visited (the walk goes on after it), or undefined once every link was. */
  private after: number | undefined = 0;
  private scheduled = false;

  constructor(
    private readonly links: LinkOrder,
    private readonly visit: (link: Readonly<Link>) => void,
    private readonly busy: Busy,
  ) {
    this.schedule();
  }

  /** Links from `index` on need visiting (1: all of them). */
  rewind(index: number): void {
    this.after = this.after === undefined ? index - 1 : Math.min(this.after, index - 1);
    this.schedule();
  }

  /** Visits every link left now (what the background does a step at a time). */
  runAll(): void {
    while (this.step(Infinity));
  }

  private schedule(): void {
    if (this.scheduled || this.after === undefined || !aheadWorthIt(this.links)) return;
    this.scheduled = true;
    runInBackground(() => {
      if (this.step(WALK_STEP)) return true;
      this.scheduled = false;
      return false;
    }, this.busy);
  }

  /** Visits up to `count` links; true if links are left. */
  private step(count: number): boolean {
    for (let link = this.next(); link; link = this.next()) {
      this.after = link.index;
      this.visit(link);
      if (--count <= 0) return true;
    }
    this.after = undefined;
    return false;
  }

  private next(): Readonly<Link> | undefined {
    return this.after === undefined ? undefined : this.links.linkAfter(this.after);
  }
}

/** Links a walk visits per step (a link body is a few microseconds to encode). */
const WALK_STEP = 64;
