// Router solicitations of a host (net/ipv6/addrconf.c: addrconf_rs_timer, RFC 7559 backoff).
import type { Clock, Timer } from './clock.js';

/** rtr_solicit_interval (4 s): the wait before the first retransmission; each next wait doubles. */
export const RS_INTERVAL_MS = 4000;
/** rtr_solicit_max_interval (1 h): where the doubling stops. */
export const RS_MAX_INTERVAL_MS = 3_600_000;

/**
 * The rs_timer of each device: once its link-local address became valid a device solicits routers,
 * then again after 4 s, 8 s, 16 s, ... up to once an hour (rtr_solicits is -1: for ever, no router
 * ever answers here). Linux draws each wait within ±10 % (rfc3315_s14_backoff_*); rtnld takes the
 * middle so runs repeat. The timer runs while the device is IF_READY, through a carrier loss too,
 * and stops when addrconf_ifdown() clears it (admin down, IPv6 disabled, unregistered).
 */
export class RouterSolicitations {
  private readonly timers = new Map<number, { timer: Timer; wait: number }>();

  /** `send(ifindex)` sends one solicitation (it checks that the device may still send one). */
  constructor(
    private readonly clock: Clock,
    private readonly send: (ifindex: number) => void,
  ) {}

  /** addrconf_dad_completed() → ndisc_send_rs(), then the timer armed for the first retransmission. */
  start(ifindex: number, sendNow = true): void {
    this.stop(ifindex);
    if (sendNow) this.send(ifindex);
    this.arm(ifindex, RS_INTERVAL_MS);
  }

  private arm(ifindex: number, wait: number): void {
    const timer = this.clock.schedule(this.clock.now() + wait, () => {
      this.send(ifindex);
      this.arm(ifindex, Math.min(wait * 2, RS_MAX_INTERVAL_MS));
    });
    this.timers.set(ifindex, { timer, wait });
  }

  /** addrconf_del_rs_timer(). */
  stop(ifindex: number): void {
    this.timers.get(ifindex)?.timer.cancel();
    this.timers.delete(ifindex);
  }

  /** Devices soliciting (for tests). */
  get active(): number {
    return this.timers.size;
  }

  /** Forgets every timer (the table is being replaced). */
  clear(): void {
    for (const t of this.timers.values()) t.timer.cancel();
    this.timers.clear();
  }
}
