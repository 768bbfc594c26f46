import { RTM_NEWROUTE } from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFF_UP } from '../model/flags.js';
import type { Fib4Table } from '../model/routes/fib4-table.js';
import type { Route4 } from '../model/routes/route.js';
import type { NetworkModel } from '../model/store.js';
import type { Link } from '../model/types.js';
import { aheadWorthIt, NEVER_BUSY, runInBackground, type Busy } from './background.js';
import { EncodedStore } from './encoded-store.js';
import { writeRouteEntry } from './route-view.js';

/** Prefixes per block when blocks are made. */
const BLOCK_PREFIXES = 64;
/** Bigger tables are not kept (a table's keys are sorted again after each change; the dumps of a million routes are replayed, dump-image.ts). */
const MAX_TABLE_ROUTES = 16_384;
/** At most this many bytes of blocks are kept per table. */
const MAX_BYTES = 4 * 1024 * 1024;
/** Blocks made per background step. */
const FILL_STEP = 8;

/** Shared by every model's background fill: a block is made and kept before the next begins. */
const scratch = new NlWriter(16 * 1024);

/** The lowest index from `from` on whose key is at least `key` (keys ascending). */
function lowerBound(keys: Float64Array, key: number, from: number): number {
  let lo = from;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One IPv4 table's routes as blocks of whole RTM_NEWROUTE messages in dump order, each block
 * the prefixes from one key up to the next block's (BLOCK_PREFIXES when made). A block is
 * dropped when a prefix in it changes (Fib4Table.watchKeys) and made again by the next dump
 * that reaches it, or ahead in the background.
 */
class TableBlocks {
  /** The first keys of the blocks, ascending: block i holds the prefixes from starts[i] up to starts[i + 1]. */
  private readonly starts: number[] = [0];
  private readonly store = new EncodedStore<number>(MAX_BYTES);
  /** The owner's hop epoch the blocks were made at. */
  private epoch: number;
  /** A block could not be kept (MAX_BYTES): the fill leaves the table alone until it changes. */
  private full = false;

  constructor(private readonly owner: RouteBlocks, private readonly table: Fib4Table) {
    this.epoch = owner.epoch;
    table.watchKeys((key) => {
      this.store.delete(this.starts[this.blockOf(key)]!);
      this.full = false;
      owner.missing();
    });
  }

  /** The block holding `key`: the last whose first key is at most `key`. */
  private blockOf(key: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private sync(): void {
    if (this.epoch === this.owner.epoch) return;
    this.epoch = this.owner.epoch;
    this.store.clear();
    this.full = false;
  }

  /**
   * Writes the block whose first prefix is keys[at] (keys: the table's dump keys as they are now),
   * from the kept bytes or encoded now and kept; returns the index after its last prefix, or −1
   * (nothing written) when keys[at] does not start a block or the table is not kept.
   */
  write(w: NlWriter, model: NetworkModel, keys: Float64Array, at: number, flags: number, seq: number, pid: number): number {
    if (keys !== this.table.dumpKeys()) return -1;
    this.sync();
    const b = this.blockOf(keys[at]!);
    if (at > 0 && keys[at - 1]! >= this.starts[b]!) return -1;
    const end = this.endOf(keys, b, at);
    if (!this.store.writeMessages(w, this.starts[b]!, flags, seq, pid)) this.make(w, model, keys, b, at, end, flags, seq, pid);
    return end;
  }

  /** The index after block b's last prefix in `keys`, looking from `from` (its first). */
  private endOf(keys: Float64Array, b: number, from: number): number {
    return b + 1 < this.starts.length ? lowerBound(keys, this.starts[b + 1]!, from) : keys.length;
  }

  /** Encodes block b, prefixes keys[at, end), and keeps it as blocks of BLOCK_PREFIXES (a new table's one block is split up). */
  private make(w: NlWriter, model: NetworkModel, keys: Float64Array, b: number, at: number, end: number, flags: number, seq: number, pid: number): void {
    let first = this.starts[b]!;
    let from = w.length;
    for (let i = at; i < end; i++) {
      if (i > at && (i - at) % BLOCK_PREFIXES === 0) {
        this.store.put(first, w.buffer, from, w.length);
        first = keys[i]!;
        this.starts.splice(++b, 0, first);
        from = w.length;
      }
      // Array.isArray does not narrow a readonly array type away: hence the casts.
      const aliases = this.table.aliasesAt(keys[i]!);
      if (Array.isArray(aliases)) for (const r of aliases as readonly Route4[]) writeRouteEntry(w, RTM_NEWROUTE, flags, seq, pid, model, r);
      else if (aliases) writeRouteEntry(w, RTM_NEWROUTE, flags, seq, pid, model, aliases as Route4);
    }
    this.store.put(first, w.buffer, from, w.length);
  }

  /** Makes up to `count` missing blocks; returns how many it made. */
  fill(model: NetworkModel, count: number): number {
    this.sync();
    if (this.full) return 0;
    const keys = this.table.dumpKeys();
    let made = 0;
    for (let at = 0; at < keys.length && made < count;) {
      const b = this.blockOf(keys[at]!);
      const end = this.endOf(keys, b, at);
      const first = this.starts[b]!;
      if (!this.store.has(first)) {
        this.make(scratch, model, keys, b, at, end, 0, 0, 0);
        scratch.truncate(0);
        // Over the byte limit: not kept, and not tried again until the table changes.
        if (!this.store.has(first)) {
          this.full = true;
          return made;
        }
        made++;
      }
      at = end;
    }
    return made;
  }

  /** The kept blocks: the keys they cover [first, next) and their messages, for tests. */
  kept(): { first: number; next: number; messages: Buffer }[] {
    this.sync();
    return this.starts.flatMap((first, i) => {
      const messages = this.store.get(first);
      return messages ? [{ first, next: this.starts[i + 1] ?? Infinity, messages }] : [];
    });
  }
}

/**
 * IPv4 routes kept encoded for dumps, per table (TableBlocks): a rig's first `ip route` dump
 * copies blocks instead of walking and encoding every route (issue 21). A route's message
 * depends on the route alone but for its hop flags: LINKDOWN and DEAD follow the device's
 * IFF_UP and carrier (route-view.ts hopFlags), so every block is dropped when one of those
 * changes on any device.
 */
export class RouteBlocks {
  private readonly tables = new WeakMap<Fib4Table, TableBlocks>();
  /** Advanced when a device's IFF_UP or carrier changed: blocks made before are stale. */
  epoch = 0;
  /** IFF_UP and carrier of each device, as last seen. */
  private readonly hopState = new Map<number, number>();
  private filling = false;

  constructor(private readonly model: NetworkModel, private readonly busy: Busy) {
    for (const link of model.iterate()) this.hopState.set(link.index, hopStateOf(link));
    model.onEvent((e) => {
      if (e.type === 'newlink') this.seen(e.link);
      else if (e.type === 'dellink') this.hopState.delete(e.link.index);
    });
    model.generation.watchLinks((index) => {
      const link = model.byIndex(index);
      if (link) this.seen(link);
    });
  }

  private seen(link: Readonly<Link>): void {
    const state = hopStateOf(link);
    const was = this.hopState.get(link.index);
    this.hopState.set(link.index, state);
    if (was !== undefined && was !== state) {
      this.epoch++;
      this.missing();
    }
  }

  /** The blocks of `table` (made on first use); undefined for a table too big to keep. */
  of(table: Fib4Table): TableBlocks | undefined {
    if (table.size > MAX_TABLE_ROUTES) return undefined;
    let blocks = this.tables.get(table);
    if (!blocks) this.tables.set(table, (blocks = new TableBlocks(this, table)));
    return blocks;
  }

  /** A block went: the background makes it again (in a namespace worth encoding ahead, background.ts). */
  missing(): void {
    if (this.filling || this.busy === NEVER_BUSY || !aheadWorthIt(this.model)) return;
    this.filling = true;
    runInBackground(() => {
      let made = 0;
      for (const id of this.model.routes.tables.tableIds('inet')) {
        made += this.of(this.model.routes.tables.inet(id)!)?.fill(this.model, FILL_STEP - made) ?? 0;
        if (made >= FILL_STEP) return true;
      }
      this.filling = false;
      return false;
    }, this.busy);
  }
}

const hopStateOf = (link: Readonly<Link>): number => (link.flags & IFF_UP ? 1 : 0) | (link.carrier ? 2 : 0);

const caches = new WeakMap<NetworkModel, RouteBlocks>();

/**
 * The model's IPv4 route blocks, listening to its events from now on: the daemon makes them
 * when a namespace is attached, with `busy` telling the background fill when to wait.
 */
export function routeBlocks(model: NetworkModel, busy: Busy = NEVER_BUSY): RouteBlocks {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new RouteBlocks(model, busy)));
  return cache;
}
