// Bridge masters and their ports (net/bridge/br_if.c, br_stp_if.c, br_notify.c), STP off.
import { ModelError } from './errors.js';
import type { Cause, ModelEvent } from './events.js';
import { IFF_PROMISC, IFF_UP, operUp } from './flags.js';
import { KINDS } from './kinds.js';
import type { LinkRegistry } from './link-registry.js';
import { CHAIN_PRIORITY, type NetdevEvent, type NotifierChain } from './notifier.js';
import type { Link } from './types.js';

/** IFLA_EVENT_FEATURES: the bridge's offload features changed with its ports. */
const IFLA_EVENT_FEATURES = 2;

/** What the bridge rules need from the model that owns them. */
export interface BridgeHost {
  readonly registry: LinkRegistry;
  readonly netdevChain: NotifierChain<NetdevEvent>;
  emit(event: ModelEvent): void;
  notify(link: Link, change?: number, cause?: Cause): void;
  /** The model changed a MAC itself: NEWLINK, then NETDEV_CHANGEADDR. */
  changedAddress(link: Link): void;
  /** dev_set_mtu() by the model itself. */
  applyMtu(link: Link, mtu: number): void;
  recomputeCarrier(link: Link, queue: boolean): void;
  runLinkwatch(): void;
  adjustAllmulti(link: Link, inc: number): void;
  adjustPromiscuity(link: Link, inc: number): void;
  tsoMaxSize(link: Link): number;
}

/**
 * Enslaving and releasing ports, the bridge id, MTU and TSO limit that follow the ports, and the
 * ports' forwarding state, announced as AF_BRIDGE `bridgeport` events. Port state follows the
 * ports' link events through the netdevice chain, as br_device_event() does.
 */
export class BridgeRules {
  constructor(private readonly host: BridgeHost) {
    // Before the address table: the AF_BRIDGE announcement of a port going up or down precedes addrconf's work.
    host.netdevChain.register((e) => this.netdevEvent(e), CHAIN_PRIORITY.bridge);
  }

  /** br_device_event() for a port. */
  private netdevEvent(e: NetdevEvent): void {
    const port = e.link as Link;
    if (!port.master) return;
    switch (e.type) {
      case 'up':
      case 'down':
        // br_stp_enable_port / br_stp_disable_port: announced disabled; linkwatch may enable it.
        port.bridgePortForwarding = false;
        this.host.emit({ type: 'bridgeport', action: 'new', link: port });
        break;
      case 'change':
        this.carrierCheck(port);
        break;
      default:
    }
  }

  /** br_dev_open() / br_dev_stop() of a bridge: its ports are enabled or disabled. */
  deviceOpen(link: Link, up: boolean): void {
    if (!link.bridge) return;
    if (up) this.enablePorts(link);
    else this.disablePorts(link);
  }

  /** The bridge's port_list in its order: br_add_if() adds at the head, so the newest port first. */
  private portList(bridge: Link): Link[] {
    return this.host.registry.portsOf(bridge.index).reverse();
  }

  /**
   * br_stp_enable_bridge() (STP off), from br_dev_open() before the bridge's own NEWLINK: every
   * running, operationally up port is enabled and starts forwarding, announced twice (AF_BRIDGE).
   */
  private enablePorts(bridge: Link): void {
    for (const port of this.portList(bridge)) {
      if (!this.portForwarding(port)) continue;
      port.bridgePortForwarding = true;
      this.host.emit({ type: 'bridgeport', action: 'new', link: port });
      this.host.emit({ type: 'bridgeport', action: 'new', link: port });
    }
  }

  /** br_stp_disable_bridge(): every port that is not disabled is disabled and announced once (AF_BRIDGE). */
  private disablePorts(bridge: Link): void {
    for (const port of this.portList(bridge)) {
      if (!port.bridgePortForwarding) continue;
      port.bridgePortForwarding = false;
      this.host.emit({ type: 'bridgeport', action: 'new', link: port });
    }
  }

  private checkMaster(masterIndex: number, port: Link | undefined): Link {
    const master = this.host.registry.byIndex(masterIndex);
    if (!master) throw new ModelError('EINVAL');
    if (!KINDS[master.kind].isMaster) throw new ModelError('EOPNOTSUPP');
    if (port && (port === master || KINDS[port.kind].deviceType === 'loopback')) throw new ModelError('EINVAL');
    if (port && KINDS[port.kind].isMaster) throw new ModelError('ELOOP', 'Can not enslave a bridge to a bridge');
    return master;
  }

  /** A create request's IFLA_MASTER, checked before anything is registered. */
  checkNewMaster(masterIndex: number): void {
    this.checkMaster(masterIndex, undefined);
  }

  /** do_set_master(): releases the current master first (even if the new one is invalid), then enslaves. */
  setMaster(link: Link, masterIndex: number): void {
    const { host } = this;
    if (link.master === masterIndex) return;
    if (link.master) this.release(link);
    if (masterIndex === 0) return;
    const master = this.checkMaster(masterIndex, link);
    // br_add_if(): the port joins with allmulti, then promisc; the bridge announces its new
    // features, the port's bridge state (AF_BRIDGE) follows, then linkwatch settles the carrier.
    const used = new Set(host.registry.portsOf(master.index).map((p) => p.bridgePort));
    let portNo = 1;
    while (used.has(portNo)) portNo++;
    link.master = master.index;
    host.registry.addPort(master.index, link);
    link.bridgePort = portNo;
    // br_add_if() -> br_fdb_add_local(): the port's own address enters the bridge's FDB.
    host.netdevChain.call({ type: 'changeupper', link, master });
    host.adjustAllmulti(link, 1);
    host.notify(link);
    host.adjustPromiscuity(link, 1);
    host.notify(link, IFF_PROMISC);
    host.emit({ type: 'newlink', link: master, change: 0, event: IFLA_EVENT_FEATURES });
    // The bridge id is recalculated before the AF_BRIDGE notifications (they carry it), the
    // bridge's NETDEV_CHANGEADDR comes after them.
    if (master.bridge) master.bridge.carrierFollowsPorts = true;
    const changedAddress = this.recalculateBridgeId(master);
    // AF_BRIDGE notifications: the port was added; a running port is also enabled and starts forwarding.
    const enabled = this.portForwarding(link);
    link.bridgePortForwarding = enabled;
    for (let i = enabled ? 3 : 1; i > 0; i--) host.emit({ type: 'bridgeport', action: 'new', link });
    if (changedAddress) host.changedAddress(master);
    this.adjustMtu(master.index);
    if (master.bridge) master.bridge.tsoMaxSize = Math.min(...host.registry.portsOf(master.index).map((p) => host.tsoMaxSize(p)));
    host.recomputeCarrier(master, true);
    host.runLinkwatch();
  }

  /** br_del_if(): promisc/allmulti dropped, AF_BRIDGE NEWLINK + DELLINK for the port, then the master link goes. */
  release(link: Link): void {
    const { host } = this;
    const master = host.registry.byIndex(link.master);
    host.adjustPromiscuity(link, -1);
    host.adjustAllmulti(link, -1);
    host.notify(link, IFF_PROMISC);
    host.emit({ type: 'bridgeport', action: 'new', link });
    host.emit({ type: 'bridgeport', action: 'del', link });
    host.registry.removePort(link.master, link);
    link.master = 0;
    // del_nbp() -> br_fdb_delete_by_port(): every entry of the port goes.
    if (master) host.netdevChain.call({ type: 'changeupper', link, master });
    delete link.bridgePort;
    delete link.bridgePortForwarding;
    host.notify(link);
    if (master) {
      this.adjustMtu(master.index);
      if (this.recalculateBridgeId(master)) host.changedAddress(master);
      host.recomputeCarrier(master, true);
      host.emit({ type: 'newlink', link: master, change: 0, event: IFLA_EVENT_FEATURES });
    }
    host.runLinkwatch();
  }

  /** br_mtu_auto_adjust(): a bridge whose MTU the user never set follows its smallest port. */
  adjustMtu(masterIndex: number): void {
    const bridge = this.host.registry.byIndex(masterIndex);
    if (!bridge?.bridge || bridge.bridge.mtuSetByUser) return;
    const ports = this.host.registry.portsOf(masterIndex);
    if (ports.length === 0) return;
    const mtu = Math.min(...ports.map((p) => p.mtu));
    if (mtu !== bridge.mtu) this.host.applyMtu(bridge, mtu);
  }

  /** A port forwards (no STP) while it and its bridge are up and it is operationally up. */
  private portForwarding(port: Link): boolean {
    const master = this.host.registry.byIndex(port.master);
    return !!(master && master.flags & port.flags & IFF_UP && port.carrier && operUp(port.operstate));
  }

  /**
   * br_port_carrier_check() on NETDEV_CHANGE: when a port's carrier or operstate changes its
   * forwarding state, the bridge announces the port (AF_BRIDGE), before the port's own NEWLINK:
   * twice when it starts forwarding (enabled, then forwarding), once when it stops.
   */
  private carrierCheck(port: Link): void {
    const forwarding = this.portForwarding(port);
    if (forwarding === (port.bridgePortForwarding ?? false)) return;
    port.bridgePortForwarding = forwarding;
    for (let i = forwarding ? 2 : 1; i > 0; i--) this.host.emit({ type: 'bridgeport', action: 'new', link: port });
  }

  /**
   * br_stp_recalculate_bridge_id(): unless the user set it, a bridge's MAC is its lowest port MAC
   * (zeros without ports). True when the MAC changed: the caller announces NETDEV_CHANGEADDR.
   */
  private recalculateBridgeId(bridge: Link): boolean {
    if (!bridge.bridge || bridge.bridge.macSetByUser) return false;
    let lowest: Uint8Array | undefined;
    for (const p of this.host.registry.portsOf(bridge.index)) if (!lowest || Buffer.compare(p.address, lowest) < 0) lowest = p.address;
    const mac = new Uint8Array(lowest ?? new Uint8Array(6));
    if (Buffer.compare(mac, bridge.address) === 0) return false;
    bridge.address = mac;
    // br_stp_change_bridge_id() reselects port states (and so the carrier) before NETDEV_CHANGEADDR.
    bridge.bridge.carrierFollowsPorts = true;
    this.host.recomputeCarrier(bridge, true);
    return true;
  }
}
