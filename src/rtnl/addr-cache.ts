import { writeAddrBody } from '../../protocol/addr-message.js';
import { NLMSG_HDRLEN } from '../../protocol/align.js';
import { RTM_NEWADDR } from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { isTimeless, type InetAddress, type InetFamily } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import { emptyAddrMessage, fillAddrMessage } from './addr-view.js';
import { BackgroundWalk, NEVER_BUSY, type Busy } from './background.js';
import { EncodedStore } from './encoded-store.js';

/** At most this many bytes of encoded addresses are kept per model (~400,000 addresses), and as many of blocks. */
const MAX_BYTES = 32 * 1024 * 1024;

/** A block holds one family's addresses on the devices of 64 consecutive ifindexes. */
const BLOCK_SHIFT = 6;
const BLOCK_SIZE = 1 << BLOCK_SHIFT;
/** A block of more addresses is not kept: a dump copies a block whole, and its steps stay near their budget. */
const BLOCK_MAX_ENTRIES = 512;

// Integer arithmetic (ifindexes are positive int32s): the dump cursor's position stays a small integer.
/** The block of the devices around `ifindex`. */
export const blockOf = (ifindex: number): number => ifindex >>> BLOCK_SHIFT;
/** The highest ifindex `block` covers (a dump goes on after it). */
export const blockEnd = (block: number): number => block * BLOCK_SIZE + (BLOCK_SIZE - 1);
const blockKey = (family: InetFamily, block: number): number => block * 2 + (family === 'inet' ? 0 : 1);

const FAMILIES: readonly InetFamily[] = ['inet', 'inet6'];

/** Shared by every namespace's cache: a body (a block) is encoded and kept before the next begins. */
const writer = new NlWriter(512);
const blockWriter = new NlWriter(4096);
const scratch = emptyAddrMessage();

/**
 * An address's RTM_NEWADDR body depends on the address alone, and the address table announces
 * every change to one (RTM_NEWADDR / RTM_DELADDR, as Linux does) or, for the few it does not
 * announce yet (a link-local or NODAD address added, a tentative one modified: announced once
 * DAD ends), names it (generation.addressChanged). So each address's body is encoded when it is
 * announced, or in the background for the ones added quietly, and kept until its next change: a
 * dump copies the bodies instead of encoding every address (a rig's first address dump after
 * adding them, issue 21). Only bodies that do not change with time are kept (no remaining
 * lifetimes).
 * The messages of one family's addresses on 64 consecutive ifindexes are also kept as one block
 * (whole messages in dump order), dropped at any change to one of them: an unfiltered dump
 * copies a block with one lookup instead of walking 64 devices and looking up each address
 * (~1 µs an entry when the model is not in the CPU's caches, as after building a rig).
 */
export class AddressBodies {
  private readonly store = new EncodedStore<Readonly<InetAddress>>(MAX_BYTES);
  private readonly blocks = new EncodedStore<number>(MAX_BYTES);
  /** Blocks that cannot be kept until one of their addresses changes (one has lifetimes, or too many). */
  private readonly unkept = new Set<number>();
  /** The model's linksWide when the blocks were made: a restored state (importLinks) names no address. */
  private wide: number;
  private readonly fill: BackgroundWalk;

  constructor(private readonly model: NetworkModel, busy: Busy) {
    this.wide = model.generation.linksWide;
    this.fill = new BackgroundWalk(model, (link) => {
      for (const family of FAMILIES) {
        if (this.keepBlock(family, blockOf(link.index))) continue;
        for (const a of model.addresses.list(link.index, family)) if (!this.store.has(a) && isTimeless(a)) this.encode(a);
      }
    }, busy);
    model.onEvent((e) => {
      if (e.type === 'newaddr') this.encode(e.addr);
      else if (e.type === 'deladdr') this.drop(e.addr);
    });
    model.generation.watchAddresses((a) => this.drop(a as InetAddress));
  }

  /**
   * Writes the RTM_NEWADDR messages of `family` on the devices of `block`, in dump order, from
   * the kept block, or made from the addresses and then kept; false (nothing written) when the
   * block cannot be kept.
   */
  writeBlock(w: NlWriter, family: InetFamily, block: number, flags: number, seq: number, pid: number): boolean {
    this.sweepBlocks();
    const key = blockKey(family, block);
    if (this.blocks.writeMessages(w, key, flags, seq, pid)) return true;
    if (this.unkept.has(key)) return false;
    const start = w.length;
    const end = blockEnd(block);
    let entries = 0;
    for (let link = this.model.linkAfter(end - BLOCK_SIZE); link && link.index <= end; link = this.model.linkAfter(link.index)) {
      for (const a of this.model.addresses.list(link.index, family)) {
        if (!isTimeless(a) || ++entries > BLOCK_MAX_ENTRIES) {
          w.truncate(start);
          this.unkept.add(key);
          return false;
        }
        this.write(w, a, flags, seq, pid);
      }
    }
    this.blocks.put(key, w.buffer, start, w.length);
    return true;
  }

  /**
   * Writes RTM_NEWADDR for `a` (in the model's own namespace), from the kept body when there
   * is one; a miss is encoded and kept if it can be.
   */
  write(w: NlWriter, a: Readonly<InetAddress>, flags: number, seq: number, pid: number): void {
    if (this.store.writeMessage(w, a, RTM_NEWADDR, flags, seq, pid)) return;
    const at = w.msgStart(RTM_NEWADDR, flags, seq, pid);
    writeAddrBody(w, fillAddrMessage(scratch, this.model, a));
    if (isTimeless(a)) this.store.put(a, w.buffer, at + NLMSG_HDRLEN, w.length);
    w.msgEnd(at);
  }

  /** The body kept for `a`, for tests. */
  kept(a: Readonly<InetAddress>): Buffer | undefined {
    return this.store.get(a);
  }

  /** The messages kept for a block (a copy), for tests. */
  keptBlock(family: InetFamily, block: number): Buffer | undefined {
    this.sweepBlocks();
    return this.blocks.get(blockKey(family, block));
  }

  /** Encodes every address that has no body now (what the background fill does a step at a time). */
  fillAll(): void {
    this.fill.runAll();
  }

  /** The block is kept (made now if it can be, as the background fill does). */
  private keepBlock(family: InetFamily, block: number): boolean {
    this.sweepBlocks();
    const key = blockKey(family, block);
    if (this.blocks.has(key)) return true;
    if (this.unkept.has(key)) return false;
    const kept = this.writeBlock(blockWriter, family, block, 0, 0, 0);
    blockWriter.truncate(0);
    return kept;
  }

  private sweepBlocks(): void {
    if (this.wide === this.model.generation.linksWide) return;
    this.wide = this.model.generation.linksWide;
    this.blocks.clear();
    this.unkept.clear();
  }

  /** `a` changed quietly or went: its body and its block are dropped, and the fill comes back for them. */
  private drop(a: Readonly<InetAddress>): void {
    this.store.delete(a);
    this.dropBlock(a);
    this.fill.rewind(a.ifindex);
  }

  private dropBlock(a: Readonly<InetAddress>): void {
    const key = blockKey(a.family, blockOf(a.ifindex));
    this.blocks.delete(key);
    this.unkept.delete(key);
  }

  private encode(a: Readonly<InetAddress>): void {
    this.dropBlock(a);
    this.fill.rewind(a.ifindex);
    if (!isTimeless(a)) {
      this.store.delete(a);
      return;
    }
    writeAddrBody(writer, fillAddrMessage(scratch, this.model, a));
    this.store.put(a, writer.buffer, 0, writer.length);
    writer.truncate(0);
  }
}

const caches = new WeakMap<NetworkModel, AddressBodies>();

/**
 * The model's address bodies, listening to its events from now on: the daemon makes it when a
 * namespace is attached, with `busy` telling the background fill when to wait.
 */
export function addressBodies(model: NetworkModel, busy: Busy = NEVER_BUSY): AddressBodies {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new AddressBodies(model, busy)));
  return cache;
}
