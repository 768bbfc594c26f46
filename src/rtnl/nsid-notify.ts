import { RTM_DELNSID, RTM_NEWNSID, RTNLGRP_NSID } from '../../protocol/constants.js';
import { writeNsidMessage } from '../../protocol/nsid-message.js';
import { NlWriter } from '../../protocol/writer.js';
import type { Namespace } from '../model/netns/namespace.js';
import type { NamespaceRegistry, NetnsEvent } from '../model/netns/registry.js';
import type { NotificationSink } from './notify.js';

/**
 * rtnl_net_notifyid(): RTM_NEWNSID / RTM_DELNSID to RTNLGRP_NSID of the namespace whose table
 * changed. A client's RTM_NEWNSID names it (pid/seq) even without NLM_F_ECHO; with ECHO it
 * gets a unicast copy instead of the multicast one. The kernel's own allocations carry 0/0.
 */
export function attachNsidNotifier(registry: NamespaceRegistry, sinkFor: (ns: Namespace) => NotificationSink): () => void {
  const w = new NlWriter(64);
  return registry.onEvent((e: NetnsEvent) => {
    if (e.type !== 'newnsid' && e.type !== 'delnsid') return;
    const sink = sinkFor(e.observer);
    const echo = e.cause?.echo === true;
    if (!echo && !sink.hasMembers(RTNLGRP_NSID)) return;
    writeNsidMessage(w, e.type === 'newnsid' ? RTM_NEWNSID : RTM_DELNSID, 0, e.cause?.seq ?? 0, e.cause?.portid ?? 0, e.nsid);
    const bytes = w.take();
    sink.multicast(RTNLGRP_NSID, bytes, echo ? e.cause!.portid : 0);
    if (echo) sink.unicast(e.cause!.portid, bytes);
  });
}
