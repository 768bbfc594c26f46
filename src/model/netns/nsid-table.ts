/**
 * One namespace's private table "peer namespace → nsid" (net->netns_ids, an IDR): ids are
 * non-negative, the lowest free one is allocated (peernet2id_alloc, alloc_netid), and an entry
 * lives until the peer is destroyed. Keyed by the peer object, so nothing here knows names.
 */
export class NsidTable<Peer extends object> {
  // Made on the first id: most namespaces of a big rig never name another one.
  private byPeer: Map<Peer, number> | undefined;
  private byId: Map<number, Peer> | undefined;

  get size(): number {
    return this.byPeer?.size ?? 0;
  }

  idOf(peer: Peer): number | undefined {
    return this.byPeer?.get(peer);
  }

  peerOf(id: number): Peer | undefined {
    return this.byId?.get(id);
  }

  /** Assigns `id` (or the lowest free id when `id` is negative) to `peer`; the caller checked both are free. */
  assign(peer: Peer, id = -1): number {
    const byId = (this.byId ??= new Map());
    let n = id;
    if (n < 0) for (n = 0; byId.has(n); n++);
    (this.byPeer ??= new Map()).set(peer, n);
    byId.set(n, peer);
    return n;
  }

  /** Forgets `peer` (it is being destroyed); returns its id if it had one. */
  remove(peer: Peer): number | undefined {
    const id = this.byPeer?.get(peer);
    if (id === undefined) return undefined;
    this.byPeer!.delete(peer);
    this.byId!.delete(id);
    return id;
  }

  /** Entries in ascending id order (rtnl_net_dumpid walks the IDR). */
  entries(): Array<[number, Peer]> {
    return [...(this.byId ?? [])].sort((a, b) => a[0] - b[0]);
  }
}
