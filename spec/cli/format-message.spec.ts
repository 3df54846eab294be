import { formatMessage, messageToJson } from '../../lib/cli/format-message.js';
import { InvType, decodePayload, hashToHex, type Message } from '../../lib/index.js';
import { BLOCK_1_2MB, readData } from '../helpers/data.js';

const blockMessage = (): Message => decodePayload('block', readData(BLOCK_1_2MB));

describe('formatMessage', () => {
  it('summarises a real block in one line', () => {
    const line = formatMessage(blockMessage());
    expect(line).toMatch(/^block 00000000…f5de59d2 3315 transactions, time 20\d\d-/);
    expect(line).not.toContain('\n');
  });

  it('summarises inventory, pings and unknown commands', () => {
    const hash = new Uint8Array(32).fill(0xab);
    expect(formatMessage({ command: 'inv', items: [{ type: InvType.Tx, hash }] })).toBe('inv 1: Tx abababab…abababab');
    expect(formatMessage({ command: 'ping', nonce: 5n })).toBe('ping nonce 5');
    expect(formatMessage({ command: 'unknown', rawCommand: 'foo', payload: new Uint8Array(3) })).toBe('unknown "foo" 3 bytes');
    expect(formatMessage({ command: 'sendcmpct', announce: true, version: 2n })).toBe('sendcmpct announce true version 2');
  });
});

describe('messageToJson', () => {
  it('gives a block as its hash, header and txids, and survives JSON.stringify', () => {
    const json = messageToJson(blockMessage());
    expect(json['hash']).toBe('0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2');
    expect((json['txids'] as string[]).length).toBe(3315);
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('turns bigints into strings and hashes into reversed hex', () => {
    const hash = new Uint8Array(32);
    hash[0] = 1;
    expect(messageToJson({ command: 'getdata', items: [{ type: InvType.Block, hash }] })).toEqual({
      command: 'getdata',
      items: [{ type: 2, hash: hashToHex(hash) }],
    });
    expect(messageToJson({ command: 'pong', nonce: 2n ** 63n })).toEqual({ command: 'pong', nonce: '9223372036854775808' });
  });
});
