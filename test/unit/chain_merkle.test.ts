import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hash256, sha256, taggedHash } from '../../src/crypto/hash.ts';
import { concatBytes, fromHex, reverseBytes, toHex, utf8 } from '../../src/util/bytes.ts';
import { merkleBranch, merkleRoot, merkleRootFromBranch } from '../../src/chain/merkle.ts';
import {
  ANCESTORS_NODE_TAG,
  ANCESTORS_ROOT_TAG,
  EMPTY_ANCESTORS,
  ancestorsAppend,
  ancestorsFromIds,
  ancestorsRoot,
  proveAncestor,
  verifyAncestor,
} from '../../src/chain/block/ancestors.ts';
import type { AncestryProof } from '../../src/chain/block/ancestors.ts';

/** Txids as block explorers show them (reversed) → internal order. */
const internal = (hexes: string[]) => hexes.map((h) => reverseBytes(fromHex(h)));
const display = (b: Uint8Array) => toHex(reverseBytes(b));
const leaf = (i: number) => sha256(utf8(`leaf ${i}`));

test('merkle root: Bitcoin block 100000 (4 transactions)', () => {
  const txids = internal([
    '8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87',
    'fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4',
    '6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4',
    'e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d',
  ]);
  const r = merkleRoot(txids);
  assert.equal(display(r.root), 'f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766');
  assert.equal(r.mutated, false);
});

test('merkle root: Bitcoin block 99997 (2 transactions)', () => {
  const txids = internal([
    'b86f5ef1da8ddbdb29ec269b535810ee61289eeac7bf2b2523b494551f03897c',
    '80c6f121c3e9fe0a59177e49874d8c703cbadee0700a782e4002e87d862373c6',
  ]);
  assert.equal(display(merkleRoot(txids).root), '5140e5972f672bf8e81bc189894c55a410723b095716eaeec845490aed785f0e');
});

test('merkle root: empty is zero, one leaf is itself, an odd last leaf pairs with itself', () => {
  assert.deepEqual(merkleRoot([]).root, new Uint8Array(32));
  assert.deepEqual(merkleRoot([leaf(0)]).root, leaf(0));
  const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
  const expected = hash256(concatBytes(hash256(concatBytes(a, b)), hash256(concatBytes(c, c))));
  assert.deepEqual(merkleRoot([a, b, c]).root, expected);
});

test('merkle root: CVE-2012-2459 duplicated tails give the same root and set the mutated flag', () => {
  const three = [leaf(1), leaf(2), leaf(3)];
  const four = [...three, leaf(3)];
  assert.deepEqual(merkleRoot(four).root, merkleRoot(three).root);
  assert.equal(merkleRoot(three).mutated, false);
  assert.equal(merkleRoot(four).mutated, true);
  // Duplication at a higher level: 6 leaves vs the same 4-leaf pairs repeated.
  const six = [1, 2, 3, 4, 5, 6].map(leaf);
  const eight = [...six, leaf(5), leaf(6)];
  assert.deepEqual(merkleRoot(eight).root, merkleRoot(six).root);
  assert.equal(merkleRoot(six).mutated, false);
  assert.equal(merkleRoot(eight).mutated, true);
  assert.equal(merkleRoot([leaf(1), leaf(1)]).mutated, true);
});

test('merkle branch: every leaf of trees of 1..17 leaves proves against the root', () => {
  for (let n = 1; n <= 17; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leaf(i));
    const { root } = merkleRoot(leaves);
    for (let i = 0; i < n; i++) {
      const branch = merkleBranch(leaves, i);
      assert.deepEqual(merkleRootFromBranch(leaves[i]!, i, branch), root, `n=${n} i=${i}`);
      assert.notDeepEqual(merkleRootFromBranch(leaf(99), i, branch), root);
    }
  }
  assert.throws(() => merkleBranch([leaf(0)], 1), RangeError);
});

const ids = Array.from({ length: 40 }, (_, i) => sha256(utf8(`block ${i}`)));

test('ancestors MMR: incremental appends equal a rebuild, and appending leaves the old accumulator intact', () => {
  let acc = EMPTY_ANCESTORS;
  const roots = new Set<string>();
  for (let n = 0; n < ids.length; n++) {
    assert.deepEqual(ancestorsRoot(acc), ancestorsRoot(ancestorsFromIds(ids.slice(0, n))));
    assert.equal(acc.peaks.length, [...n.toString(2)].filter((c) => c === '1').length, 'one peak per set bit');
    roots.add(toHex(ancestorsRoot(acc)));
    const before = acc.peaks.map(toHex);
    const next = ancestorsAppend(acc, ids[n]!);
    assert.deepEqual(acc.peaks.map(toHex), before);
    acc = next;
  }
  assert.equal(roots.size, ids.length, 'every prefix has its own root');
  assert.deepEqual(ancestorsRoot(EMPTY_ANCESTORS), new Uint8Array(32));
});

test('ancestors MMR: the documented hashing (3 leaves = one 2-peak and one 1-peak)', () => {
  const [a, b, c] = [ids[0]!, ids[1]!, ids[2]!];
  const count = Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0);
  const expected = taggedHash(ANCESTORS_ROOT_TAG, count, taggedHash(ANCESTORS_NODE_TAG, a, b), c);
  assert.deepEqual(ancestorsRoot(ancestorsFromIds([a, b, c])), expected);
});

test('ancestors MMR: every id proves against every later root; tampered proofs fail', () => {
  for (let count = 1; count <= 33; count++) {
    const root = ancestorsRoot(ancestorsFromIds(ids.slice(0, count)));
    for (let index = 0; index < count; index++) {
      const proof = proveAncestor(ids, index, count);
      assert.ok(verifyAncestor(root, ids[index]!, proof), `count=${count} index=${index}`);
      assert.equal(verifyAncestor(root, ids[(index + 1) % 40]!, proof), false, 'another id');
      if (count > 1) {
        assert.equal(verifyAncestor(root, ids[index]!, { ...proof, index: (index + 1) % count }), false, 'another position');
      }
      assert.equal(verifyAncestor(root, ids[index]!, { ...proof, count: count + 1 }), false, 'another count');
      if (proof.path.length > 0) {
        const path = proof.path.map((p, i) => (i === 0 ? sha256(p) : p));
        assert.equal(verifyAncestor(root, ids[index]!, { ...proof, path }), false, 'altered path');
      }
      assert.equal(verifyAncestor(root, ids[index]!, { ...proof, path: [...proof.path, ids[0]!] }), false, 'longer path');
      if (proof.peaks.length > 0) {
        assert.equal(verifyAncestor(root, ids[index]!, { ...proof, peaks: proof.peaks.slice(1) }), false, 'missing peak');
      }
    }
  }
});

test('ancestors MMR: malformed proofs give false, never an exception', () => {
  const root = ancestorsRoot(ancestorsFromIds(ids.slice(0, 5)));
  const good = proveAncestor(ids, 2, 5);
  const bad: AncestryProof[] = [
    { ...good, count: 0 },
    { ...good, index: -1 },
    { ...good, index: 5 },
    { ...good, count: 1.5 },
    { ...good, path: [new Uint8Array(3)] },
    { ...good, peaks: [new Uint8Array(0)] },
  ];
  for (const p of bad) assert.equal(verifyAncestor(root, ids[2]!, p), false);
  assert.equal(verifyAncestor(root.subarray(1), ids[2]!, good), false);
  assert.throws(() => ancestorsAppend(EMPTY_ANCESTORS, new Uint8Array(31)), RangeError);
});
