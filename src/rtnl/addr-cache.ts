import { writeAddrBody } from '../../protocol/addr-message.js';
import { NLMSG_HDRLEN } from '../../protocol/align.js';
import { RTM_NEWADDR } from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { isTimeless, type InetAddress, type InetFamily } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import { emptyAddrMessage, fillAddrMessage } from './addr-view.js';
import { BackgroundWalk, NEVER_BUSY, type Busy } from './background.js';
import { EncodedStore } from './encoded-store.js';

/** At most this many bytes of encoded addresses are kept per model (~400,000 addresses). */
const MAX_BYTES = 32 * 1024 * 1024;

const FAMILIES: readonly InetFamily[] = ['inet', 'inet6'];

/** Shared by every namespace's cache: a body is encoded and kept before the next begins. */
const writer = new NlWriter(512);
const scratch = emptyAddrMessage();

/**
 * An address's RTM_NEWADDR body depends on the address alone, and the address table announces
 * every change to one (RTM_NEWADDR / RTM_DELADDR, as Linux does) or, for the few it does not
 * announce yet (a NODAD address added, a tentative one modified), names it
 * (generation.addressChanged). So each
 * address's body is encoded when it is announced, or in the background for the ones added
 * quietly (link-local and NODAD addresses, announced only once DAD ends), and kept until its
 * next change: a dump copies the bodies instead of encoding every address (a rig's first address
 * dump after adding them, issue 21). Only bodies that do not change with time are kept (no
 * remaining lifetimes).
 */
export class AddressBodies {
  private readonly store = new EncodedStore<Readonly<InetAddress>>(MAX_BYTES);
  private readonly fill: BackgroundWalk;

  constructor(private readonly model: NetworkModel, busy: Busy) {
    this.fill = new BackgroundWalk(model, (link) => {
      for (const family of FAMILIES) {
        for (const a of model.addresses.list(link.index, family)) if (!this.store.has(a) && isTimeless(a)) this.encode(a);
      }
    }, busy);
    model.onEvent((e) => {
      if (e.type === 'newaddr') this.encode(e.addr);
      else if (e.type === 'deladdr') this.store.delete(e.addr);
      // A device coming up gets its link-local address quietly.
      else if (e.type === 'newlink') this.fill.rewind(e.link.index);
    });
    model.generation.watchAddresses((a) => {
      const addr = a as InetAddress;
      this.store.delete(addr);
      this.fill.rewind(addr.ifindex);
    });
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

  /** Encodes every address that has no body now (what the background fill does a step at a time). */
  fillAll(): void {
    this.fill.runAll();
  }

  private encode(a: Readonly<InetAddress>): void {
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
