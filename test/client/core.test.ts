import { describe, expect, it } from 'vitest';
import { writeAck, writeDone } from '../../protocol/ack.js';
import { NLM_F_REQUEST, RTM_NEWADDR, RTM_GETLINK } from '../../protocol/constants.js';
import { NlWriter } from '../../protocol/writer.js';
import { ackOutcome } from '../../src/client/core.js';
import { NetlinkError } from '../../src/client/errors.js';

const EEXIST = 17;
const EINVAL = 22;

function request(type: number): Buffer {
  const w = new NlWriter();
  const at = w.msgStart(type, NLM_F_REQUEST, 7, 0);
  w.zeros(8);
  w.msgEnd(at);
  return w.take();
}

function ack(errno: number, extMsg?: string): Buffer {
  const w = new NlWriter();
  writeAck(w, request(RTM_NEWADDR), errno, 1234, { capAck: false, extAck: true }, extMsg ? { extMsg } : undefined);
  return w.take();
}

describe('ackOutcome', () => {
  it('turns an NLMSG_ERROR with an errno into a NetlinkError naming the request', () => {
    const { error, warning } = ackOutcome(ack(EEXIST, 'ipv4: Address already assigned'), RTM_GETLINK);
    expect(error).toBeInstanceOf(NetlinkError);
    expect(error).toMatchObject({ errno: EEXIST, code: 'EEXIST', extAck: 'ipv4: Address already assigned', requestType: RTM_NEWADDR });
    expect(warning).toBeUndefined();
  });

  it('reads a success ACK as no error, keeping its ext-ack text as a warning', () => {
    expect(ackOutcome(ack(0, 'a warning'), RTM_NEWADDR)).toEqual({ warning: 'a warning' });
    expect(ackOutcome(ack(0), RTM_NEWADDR)).toEqual({ warning: undefined });
  });

  it('reads NLMSG_DONE the same way, with the caller’s request type', () => {
    const w = new NlWriter();
    writeDone(w, 7, 1234, EINVAL, true, 0, { extMsg: 'bad filter' });
    const { error } = ackOutcome(w.take(), RTM_GETLINK);
    expect(error).toMatchObject({ errno: EINVAL, extAck: 'bad filter', requestType: RTM_GETLINK });
    const ok = new NlWriter();
    writeDone(ok, 7, 1234, 0, true);
    expect(ackOutcome(ok.take(), RTM_GETLINK).error).toBeUndefined();
  });
});
