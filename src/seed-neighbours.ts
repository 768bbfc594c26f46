import { AF_INET6, NTF_EXT_LEARNED, NTF_PROXY, NTF_ROUTER, NUD_PERMANENT } from '../protocol/constants.js';
import { parseInet } from '../protocol/inet.js';
import { NUD_NAMES } from './format/neigh.js';
import type { NetworkModel } from './model/store.js';
import type { Link } from './model/types.js';

/** One seed neighbour: `ip neigh add` words after the address. */
export interface SeedNeighbour {
  family: 'inet' | 'inet6';
  dst: Uint8Array;
  lladdr?: Uint8Array | undefined;
  state: number;
  flags: number;
}

/** "10.0.0.2 lladdr 02:00:00:00:00:02 nud stale router" | "proxy 10.0.0.9" → values (nud defaults to permanent). */
export function parseSeedNeighbour(text: string): SeedNeighbour {
  const words = text.trim().split(/\s+/);
  let flags = 0;
  let dst: string | undefined;
  let lladdr: Uint8Array | undefined;
  let state: number | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = () => {
      const v = words[++i];
      if (v === undefined) throw new Error(`"${w}" needs a value`);
      return v;
    };
    if (w === 'proxy') flags |= NTF_PROXY;
    else if (w === 'router') flags |= NTF_ROUTER;
    else if (w === 'extern_learn') flags |= NTF_EXT_LEARNED;
    else if (w === 'lladdr') {
      const v = value();
      if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(v)) throw new Error(`bad lladdr "${v}"`);
      lladdr = Uint8Array.from(v.split(':').map((x) => parseInt(x, 16)));
    } else if (w === 'nud') {
      const v = value();
      const named = NUD_NAMES.find(([n]) => n.toLowerCase() === v.toLowerCase());
      if (!named) throw new Error(`unknown nud state "${v}"`);
      state = named[1];
    } else if (dst === undefined) dst = w;
    else throw new Error(`unexpected "${w}"`);
  }
  const a = dst !== undefined ? parseInet(dst) : undefined;
  if (!a) throw new Error('needs an IPv4 or IPv6 address');
  return { family: a.family === AF_INET6 ? 'inet6' : 'inet', dst: a.bytes, lladdr, state: state ?? (flags & NTF_PROXY ? 0 : NUD_PERMANENT), flags };
}

/** Adds it through the model's own RTM_NEWNEIGH rules (so a seed obeys what a request would). */
export function addSeedNeighbour(model: NetworkModel, link: Readonly<Link>, n: SeedNeighbour): void {
  if (n.flags & NTF_PROXY) {
    model.neighbours.addProxy(n.family, link.index, n.dst, n.flags, n.state, 0);
    return;
  }
  model.neighbours.update({
    family: n.family, ifindex: link.index, dst: n.dst, lladdr: n.lladdr, state: n.state, ntf: n.flags, ext: 0, protocol: 0,
    create: true, excl: true, replace: false,
  });
}
