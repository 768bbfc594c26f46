import { writeAddrBody } from '../../protocol/addr-message.js';
import { RTM_NEWADDR } from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { IFA_F_TENTATIVE, isTimeless, type InetAddress } from '../model/addresses.js';
import type { NetworkModel } from '../model/store.js';
import { emptyAddrMessage, fillAddrMessage } from './addr-view.js';
import { EncodedStore } from './encoded-store.js';

/** At most this many bytes of encoded addresses are kept per model (~400,000 addresses). */
const MAX_BYTES = 32 * 1024 * 1024;

/** Shared by every namespace's cache: a body is encoded and kept before the next begins. */
const writer = new NlWriter(512);
const scratch = emptyAddrMessage();

/**
 * An address's RTM_NEWADDR body depends on the address alone, and the address table announces
 * every change to one (RTM_NEWADDR / RTM_DELADDR, as Linux does): so each address's body is
 * encoded when it is announced and kept until its next announcement, and a dump copies the
 * bodies instead of encoding every address (a rig's first address dump after adding them).
 * Kept only for bodies that do not change with time: no remaining lifetimes, no tentative
 * address (whose changes are not announced until DAD ends).
 */
export class AddressBodies {
  private readonly store = new EncodedStore<Readonly<InetAddress>>(MAX_BYTES);

  constructor(private readonly model: NetworkModel) {
    model.onEvent((e) => {
      if (e.type === 'newaddr') this.encode(e.addr);
      else if (e.type === 'deladdr') this.store.delete(e.addr);
    });
  }

  /**
   * Writes RTM_NEWADDR for `a` (in the model's own namespace), from the kept body when there
   * is one; a miss is encoded from `scratch` and kept if it can be.
   */
  write(w: NlWriter, a: Readonly<InetAddress>, flags: number, seq: number, pid: number): void {
    const at = w.msgStart(RTM_NEWADDR, flags, seq, pid);
    if (!this.store.writeTo(w, a)) {
      const start = w.length;
      writeAddrBody(w, fillAddrMessage(scratch, this.model, a));
      if (keepable(a)) this.store.put(a, w.buffer, start, w.length);
    }
    w.msgEnd(at);
  }

  private encode(a: Readonly<InetAddress>): void {
    if (!keepable(a)) {
      this.store.delete(a);
      return;
    }
    writeAddrBody(writer, fillAddrMessage(scratch, this.model, a));
    this.store.put(a, writer.buffer, 0, writer.length);
    writer.truncate(0);
  }

  /** The body kept for `a`, for tests. */
  kept(a: Readonly<InetAddress>): Buffer | undefined {
    return this.store.get(a);
  }
}

const keepable = (a: Readonly<InetAddress>) => isTimeless(a) && !(a.flags & IFA_F_TENTATIVE);

const caches = new WeakMap<NetworkModel, AddressBodies>();

/**
 * The model's address bodies, listening to its events from now on: the daemon makes it when
 * a namespace is attached, so every address added later is encoded as it is announced.
 */
export function addressBodies(model: NetworkModel): AddressBodies {
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new AddressBodies(model)));
  return cache;
}
