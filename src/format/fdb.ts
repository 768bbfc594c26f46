import { NTF_EXT_LEARNED, NTF_MASTER, NTF_OFFLOADED, NTF_ROUTER, NTF_SELF, NTF_STICKY, NUD_NOARP, NUD_PERMANENT, NUD_STALE } from '../../protocol/constants.js';
import type { FdbMessage } from '../../protocol/fdb-message.js';
import { formatLinkAddress } from './names.js';
import type { Printer } from './printer.js';

/** bridge/fdb.c state_n2a(). */
function stateName(s: number): string {
  if (s & NUD_PERMANENT) return 'permanent';
  if (s & NUD_NOARP) return 'static';
  if (s & NUD_STALE) return 'stale';
  return '';
}

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [NTF_SELF, 'self'], [NTF_ROUTER, 'router'], [NTF_EXT_LEARNED, 'extern_learn'], [NTF_OFFLOADED, 'offload'],
  [NTF_MASTER, 'master'], [NTF_STICKY, 'sticky'],
];

/** bridge/fdb.c print_fdb() (iproute2 6.1), for the attributes rtnld sends. */
export function printFdb(p: Printer, m: FdbMessage, name: (i: number) => string, opts: { stats?: boolean; showDev?: boolean } = {}): void {
  const mac = formatLinkAddress(m.lladdr);
  p.any('mac', `${mac} `, mac);
  if (opts.showDev !== false && m.ifindex) p.any('ifname', `dev ${name(m.ifindex)} `, name(m.ifindex));
  if (m.vid) p.any('vlan', `vlan ${m.vid} `, m.vid);
  if (opts.stats && m.master !== undefined) {
    const used = Math.floor((m.used ?? 0) / 100);
    const updated = Math.floor((m.updated ?? 0) / 100);
    p.any('used', `used ${used}`, used).any('updated', `/${updated} `, updated);
  }
  p.openArray('flags');
  for (const [bit, word] of FLAG_NAMES) if (m.flags & bit) p.any(null, `${word} `, word);
  p.close();
  if (m.master !== undefined) p.any('master', `master ${name(m.master)} `, name(m.master));
  const state = stateName(m.state);
  p.any('state', `${state}\n`, state);
}
