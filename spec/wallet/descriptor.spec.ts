import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescriptorError, DescriptorErrorCode, descriptorChecksum, networks, parseDescriptor, toHex } from '../../lib/index.js';

interface Vectors {
  valid: { bip: number; descriptor: string; scripts: string[] }[];
  invalid: { bip: number; descriptor: string; why: string }[];
  checksum: { text: string; what: string }[];
  keys: { valid: { key: string; what: string }[]; invalid: { key: string; what: string }[] };
  multipath: { descriptor: string; expansions: string[] }[];
}
const vectors = JSON.parse(readFileSync(join(__dirname, '../../testdata/bips/descriptor-vectors.json'), 'utf8')) as Vectors;

/** A WIF (5…, K…, L…) or extended private key somewhere in the text. */
const hasPrivateKey = (text: string): boolean => /[xt]prv|(^|[(,\]])[5KL][1-9A-HJ-NP-Za-km-z]{50,51}([),/]|$)/.test(text);

function errorOf(text: string): DescriptorError {
  try {
    parseDescriptor(text);
  } catch (e) {
    if (e instanceof DescriptorError) return e;
    throw e;
  }
  throw new Error(`${text} parsed`);
}

describe('descriptor checksum (BIP380 vectors)', () => {
  const [valid, none, missing, tooLong, tooShort, payloadError, checksumError, badChar] = vectors.checksum;
  it('accepts a right checksum and a descriptor without one, and prints the checksum', () => {
    expect(parseDescriptor(valid!.text).toString()).toBe('raw(deadbeef)#89f8spxm');
    expect(parseDescriptor(none!.text).toString()).toBe('raw(deadbeef)#89f8spxm');
    expect(descriptorChecksum('raw(deadbeef)')).toBe('89f8spxm');
  });
  it.each([missing!, tooLong!, tooShort!, checksumError!])('refuses $what', ({ text }) => {
    expect(errorOf(text).code).toBe(DescriptorErrorCode.Checksum);
  });
  it('names the position of a one-character error in the payload', () => {
    const e = errorOf(payloadError!.text);
    expect(e.code).toBe(DescriptorErrorCode.Checksum);
    expect(e.position).toBe(6); // raw(deedbeef): the second e was an a
    expect(e.message).toContain('89f8spxm');
  });
  it('refuses characters outside the descriptor charset, at their position', () => {
    const e = errorOf(badChar!.text);
    expect([e.code, e.position]).toEqual([DescriptorErrorCode.Syntax, 4]);
  });
});

describe('key expressions (BIP380 vectors, inside pk())', () => {
  it.each(vectors.keys.valid)('$what', ({ key }) => {
    if (hasPrivateKey(key)) expect(errorOf(`pk(${key})`).code).toBe(DescriptorErrorCode.PrivateKey);
    else if (/\d+h\/\*|\dh\/\*h|\*h$/.test(key)) expect(errorOf(`pk(${key})`).code).toBe(DescriptorErrorCode.Hardened);
    else expect(parseDescriptor(`pk(${key})`).scriptAt('receive', 0).length).toBeGreaterThan(33);
  });
  it.each(vectors.keys.invalid)('refuses $what', ({ key }) => {
    expect(errorOf(`pk(${key})`)).toBeInstanceOf(DescriptorError);
  });
});

describe('descriptors (BIP381, 382, 383, 385, 386 vectors)', () => {
  const isPublic = (v: Vectors['valid'][number]): boolean => !hasPrivateKey(v.descriptor) && !/^tr\([^,]*,/.test(v.descriptor);
  it('derives every script of every public-key vector', () => {
    const checked = vectors.valid.filter(isPublic);
    expect(checked.length).toBeGreaterThanOrEqual(20);
    for (const v of checked) {
      const d = parseDescriptor(v.descriptor);
      expect([v.descriptor, v.scripts.map((_, i) => toHex(d.scriptAt('receive', i)))]).toEqual([v.descriptor, v.scripts]);
      expect(d.isRange).toBe(v.scripts.length > 1);
    }
  });
  it('refuses the private-key vectors (watch-only) and taproot script trees (key path only)', () => {
    for (const v of vectors.valid.filter((x) => !isPublic(x))) {
      const e = errorOf(v.descriptor);
      expect([v.descriptor, e.code]).toEqual([
        v.descriptor,
        /^tr\([^,]*,/.test(v.descriptor) ? DescriptorErrorCode.Unsupported : DescriptorErrorCode.PrivateKey,
      ]);
    }
  });
  it.each(vectors.invalid)('BIP$bip refuses: $why', ({ descriptor }) => {
    expect(errorOf(descriptor)).toBeInstanceOf(DescriptorError);
  });
  it('refuses with the reason the BIPs give', () => {
    const code = (why: string): string => vectors.invalid.find((v) => v.why.startsWith(why) && !hasPrivateKey(v.descriptor))!.descriptor;
    expect(errorOf(code('Uncompressed public keys under')).code).toBe(DescriptorErrorCode.Context);
    expect(errorOf(code('wsh() nested')).code).toBe(DescriptorErrorCode.Context);
    expect(errorOf(code('More than 15 keys')).code).toBe(DescriptorErrorCode.Context);
    expect(errorOf(code('Threshold of 0')).code).toBe(DescriptorErrorCode.Syntax);
    expect(errorOf(code('Invalid address')).code).toBe(DescriptorErrorCode.Syntax);
    expect(errorOf(code('Uncompressed public key')).code).toBe(DescriptorErrorCode.Context);
  });
});

describe('multipath descriptors (BIP389 vectors)', () => {
  it('expands each public vector into the descriptors the BIP lists, with the same scripts', () => {
    const publicOnes = vectors.multipath.filter((v) => !hasPrivateKey(v.descriptor));
    expect(publicOnes.length).toBe(5);
    for (const v of publicOnes) {
      const d = parseDescriptor(v.descriptor);
      expect(d.keychains.length).toBe(v.expansions.length);
      d.keychains.forEach((k, i) => {
        const single = parseDescriptor(v.expansions[i]!);
        expect(d.forKeychain(k)).toBe(single.toString());
        for (let index = 0; index < 3; index++) expect(toHex(d.scriptAt(k, index))).toBe(toHex(single.scriptAt('receive', index)));
      });
    }
  });
  it('names the keychains receive and change for <0;1>', () => {
    const d = parseDescriptor(vectors.multipath[0]!.descriptor);
    expect(d.keychains).toEqual(['receive', 'change']);
  });
});

describe('BIP86 key-path taproot (tr(xpub/…/*))', () => {
  const account = 'xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ';
  it("gives BIP86's addresses for receive 0 and 1 and change 0", () => {
    const d = parseDescriptor(`tr([73c5da0a/86h/0h/0h]${account}/<0;1>/*)`, networks.mainnet);
    expect(d.addressAt('receive', 0, networks.mainnet)).toBe('bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr');
    expect(d.addressAt('receive', 1, networks.mainnet)).toBe('bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh');
    expect(d.addressAt('change', 0, networks.mainnet)).toBe('bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7');
  });
  it('refuses an xpub on a test network and a tpub on mainnet', () => {
    expect(() => parseDescriptor(`tr(${account}/0/*)`, networks.regtest)).toThrow(DescriptorError);
  });
});

describe('descriptor parsing on hostile input', () => {
  const valid = vectors.valid.map((v) => v.descriptor).concat(vectors.multipath.map((v) => v.descriptor));
  const only = (f: () => void): void => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof DescriptorError)) throw e;
    }
  };
  it('answers any mutation of a real descriptor (a character dropped, changed or added) with a descriptor or a DescriptorError', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.nat(),
        fc.constantFrom('drop', 'change', 'add'),
        fc.string({ minLength: 1, maxLength: 1 }),
        (v, at, how, c) => {
          const text = valid[v]!;
          const i = at % text.length;
          const mutated =
            how === 'drop'
              ? text.slice(0, i) + text.slice(i + 1)
              : how === 'change'
                ? text.slice(0, i) + c + text.slice(i + 1)
                : text.slice(0, i) + c + text.slice(i);
          only(() => parseDescriptor(mutated));
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('answers strings of descriptor characters, deep nesting and very long texts with a DescriptorError', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9()[\],'/*<>;#h]{0,80}$/), (s) => only(() => parseDescriptor(s))),
      { numRuns: 3000 },
    );
    expect(() => parseDescriptor('sh('.repeat(5000) + 'pk(00)' + ')'.repeat(5000))).toThrow(DescriptorError);
    expect(() => parseDescriptor(`raw(${'00'.repeat(100_000)})#qqqqqqqq`)).toThrow(DescriptorError);
    expect(() => parseDescriptor(`multi(1,${Array.from({ length: 1000 }, () => '02' + '11'.repeat(32)).join(',')})`)).toThrow(
      DescriptorError,
    );
  });
});
