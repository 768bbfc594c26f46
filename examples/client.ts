// README's TypeScript client example (test/readme.test.ts checks that the two are the same and runs it).
// With a daemon on ./rtnl.sock: npx tsx examples/client.ts
import { connect, NetlinkError, linkText, LinkTable } from 'rtnld';

const c = await connect('./rtnl.sock');                  // extended acks on, port id known
const events = c.subscribe(['link', 'ipv4-ifaddr']);     // async iterator of decoded events
await events.ready;
await c.createLink({ name: 'br0', kind: 'bridge', up: true });
const v0 = await c.createLink({ name: 'v0', kind: 'veth', peer: 'v1', mtu: 9000 });
await c.setLink(v0.index, { up: true, master: 'br0' });
await c.setLink('v0', { mtu: 10 }).catch((e: NetlinkError) => console.log(e.name, e.errno, e.extAck));
// -> EINVAL 22 mtu less than device minimum
await c.addAddress({ link: 'v0', address: '10.0.0.1/24', broadcast: '+' });
for await (const l of c.links()) console.log(l.index, l.name, l.mtu);   // dumps stream
const names = new LinkTable(await c.links().toArray());
process.stdout.write(linkText(await c.link('v0'), names));              // ip link show format
for await (const ev of events) {                                       // the changes above, as events
  if (ev.type === 'newaddr') break;
  if (ev.type === 'newlink') console.log(ev.type, ev.link.name);
}
await c.close();
