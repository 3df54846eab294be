import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendLog, StoreError } from '../../lib/index.js';

const KIND = { name: 'test log', magic: 'RXBTCTST', format: 1 };
const text = (rs: readonly Uint8Array[]): string[] => rs.map((r) => Buffer.from(r).toString());
const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxbtc-log-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(f: () => unknown): StoreError {
  try {
    f();
  } catch (e) {
    if (e instanceof StoreError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('AppendLog', () => {
  it('appends records and reads them back in order after a reopen', async () => {
    const path = join(dir, 'plain.log');
    const log = AppendLog.open(path, KIND);
    await log.append([bytes('one'), bytes('two')]);
    await log.append([bytes('three')]);
    log.close();
    expect(text(AppendLog.open(path, KIND).records)).toEqual(['one', 'two', 'three']);
  });

  it('a last record cut at every offset, or with its payload or CRC damaged at any byte, is a torn write: dropped, the rest kept, cut at the next append', async () => {
    const path = join(dir, 'torn.log');
    const log = AppendLog.open(path, KIND);
    await log.append([bytes('first record'), bytes('second record')]);
    await log.append([bytes('the last record')]);
    log.close();
    const whole = readFileSync(path);
    const last = 12 + 'the last record'.length;
    for (let cut = 1; cut <= last; cut++) {
      writeFileSync(path, whole);
      truncateSync(path, whole.length - cut);
      expect(text(AppendLog.open(path, KIND).records)).toEqual(['first record', 'second record']);
    }
    for (let at = whole.length - last; at < whole.length; at++) {
      const bad = Buffer.from(whole);
      bad[at]! ^= 0x20;
      writeFileSync(path, bad);
      if (at < whole.length - last + 8) {
        // Its length field: where a record ends is lost, so damage there is never mistaken for a tear.
        expect(errorOf(() => AppendLog.open(path, KIND))).toMatchObject({ code: 'corrupt', file: path });
      } else {
        const reopened = AppendLog.open(path, KIND);
        expect(text(reopened.records)).toEqual(['first record', 'second record']);
        reopened.close();
      }
    }
    writeFileSync(path, whole.subarray(0, whole.length - 3));
    const again = AppendLog.open(path, KIND);
    await again.append([bytes('after the tear')]);
    again.close();
    expect(text(AppendLog.open(path, KIND).records)).toEqual(['first record', 'second record', 'after the tear']);
  });

  it('damage before the last record is a StoreError "corrupt" naming the file and the offset, never a silent reset', async () => {
    const path = join(dir, 'damaged.log');
    const log = AppendLog.open(path, KIND);
    await log.append([bytes('aaaa'), bytes('bbbb'), bytes('cccc')]);
    log.close();
    const whole = readFileSync(path);
    const bad = Buffer.from(whole);
    bad[16 + 12 + 4 + 12 + 1]! ^= 0x01; // a payload byte of the second record
    writeFileSync(path, bad);
    const e = errorOf(() => AppendLog.open(path, KIND));
    expect([e.code, e.file]).toEqual(['corrupt', path]);
    expect(e.message).toContain('offset 32');
    expect(readFileSync(path)).toEqual(bad); // left as it was, for a person to look at
    const lying = Buffer.from(whole);
    lying.writeUInt32LE(0x7fffffff, 16); // the first record claims 2 GB
    lying.writeUInt32LE(~0x7fffffff >>> 0, 20);
    writeFileSync(path, lying);
    expect(errorOf(() => AppendLog.open(path, KIND)).code).toBe('corrupt');
  });

  it('a foreign file or another format is refused, naming it', () => {
    const path = join(dir, 'foreign.log');
    writeFileSync(path, 'dear diary, today I wrote a file that is not a log');
    expect(errorOf(() => AppendLog.open(path, KIND))).toMatchObject({ code: 'foreign', file: path });
    const other = Buffer.alloc(16);
    other.write('RXBTCTST', 0, 'latin1');
    other.writeUInt32LE(7, 8);
    writeFileSync(path, other);
    expect(errorOf(() => AppendLog.open(path, KIND)).message).toContain('of format 7');
  });

  it('rewrite replaces every record at once and leaves no temporary file', async () => {
    const path = join(dir, 'rewrite.log');
    const log = AppendLog.open(path, KIND);
    await log.append([bytes('a'), bytes('b'), bytes('c')]);
    await log.rewrite([bytes('only')]);
    await log.append([bytes('then')]);
    log.close();
    expect(text(AppendLog.open(path, KIND).records)).toEqual(['only', 'then']);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });
});
