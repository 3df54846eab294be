import { sha256d } from './hash.js';
/**
 * Bitcoin's merkle root of a list of hashes (wire order): pairs are hashed
 * with hash256, an odd last element is paired with itself.
 * @throws RangeError on an empty list
 */
export function merkleRoot(hashes) {
    if (hashes.length === 0)
        throw new RangeError('merkle root of an empty list');
    let level = hashes.slice();
    const pair = new Uint8Array(64);
    while (level.length > 1) {
        const next = [];
        for (let i = 0; i < level.length; i += 2) {
            pair.set(level[i], 0);
            pair.set(level[i + 1] ?? level[i], 32);
            next.push(sha256d(pair));
        }
        level = next;
    }
    return level[0];
}
