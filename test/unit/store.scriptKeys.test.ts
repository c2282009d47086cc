import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scriptKeys } from '../../src/chain/scriptKeys.ts';
import { encodeAddress } from '../../src/crypto/address.ts';
import { hash160 } from '../../src/crypto/hash.ts';
import { p2pkhScript, p2pkScript, p2shScript } from '../../src/script/builder.ts';
import { concatBytes, fromHex } from '../../src/util/bytes.ts';
import { ccCondition, ccScript, ccSubScript, h20, opReturn } from './store.fixture.ts';

const RUNS = Number(process.env['CCHOST_FUZZ_RUNS'] ?? 300);

test('scriptKeys: P2PKH and P2SH give their 20-byte hash with their kind', () => {
  const h = h20('x');
  assert.deepEqual(scriptKeys(p2pkhScript(h)), { address: { kind: 'pubkeyhash', hash: h } });
  assert.deepEqual(scriptKeys(p2shScript(h)), { address: { kind: 'scripthash', hash: h } });
});

test('scriptKeys: P2PK is indexed as the pubkeyhash of its key (compressed and uncompressed)', () => {
  const c = concatBytes(Uint8Array.of(0x03), new Uint8Array(32).fill(7));
  const u = concatBytes(Uint8Array.of(0x04), new Uint8Array(64).fill(9));
  assert.deepEqual(scriptKeys(p2pkScript(c)), { address: { kind: 'pubkeyhash', hash: hash160(c) } });
  assert.deepEqual(scriptKeys(p2pkScript(u)), { address: { kind: 'pubkeyhash', hash: hash160(u) } });
  // A 33-byte push whose first byte is not a key header is not P2PK (Core's CPubKey::ValidSize).
  const bad = concatBytes(Uint8Array.of(0x05), new Uint8Array(32).fill(7));
  assert.deepEqual(scriptKeys(p2pkScript(bad)), {});
});

test('scriptKeys: the CC address of CC.md B9.3 (faucet cc1of1) is RQsLmJeNZkUMah19K8F24YnwNbW2sxvuX5', () => {
  const C = fromHex('A22C80200C1297DB42B64E5FD5B3777AAE347844BCD75C6FF62ADDE450337BD61B97B4A58103120C008203000401');
  const k = scriptKeys(concatBytes(Uint8Array.of(C.length), C, Uint8Array.of(0xcc)));
  assert.equal(k.address?.kind, 'cc');
  assert.equal(encodeAddress('pubkeyhash', k.address!.hash), 'RQsLmJeNZkUMah19K8F24YnwNbW2sxvuX5');
  assert.equal(k.evalCode, undefined, 'no params tail, no eval code');
});

test('scriptKeys: a CC output with a tail gives the eval code, and the tail is not part of the address', () => {
  const cond = ccCondition('m');
  const bare = scriptKeys(ccScript(cond));
  const tailed = scriptKeys(ccScript(cond, 0xe4, Uint8Array.of(0x48, 1, 2, 3)));
  assert.deepEqual(tailed.address, { kind: 'cc', hash: hash160(ccSubScript(cond)) });
  assert.deepEqual(tailed.address, bare.address);
  assert.equal(tailed.evalCode, 0xe4);
  // A tail whose version byte is not 1 names no module.
  const v2 = concatBytes(ccSubScript(cond), Uint8Array.of(2, 0x02, 0xe4, 0x75));
  assert.deepEqual(scriptKeys(v2), { address: bare.address });
});

test('scriptKeys: unindexed scripts give nothing (OP_RETURN, empty, bare multisig, near-misses)', () => {
  assert.deepEqual(scriptKeys(opReturn(Uint8Array.of(1, 2))), {});
  assert.deepEqual(scriptKeys(new Uint8Array(0)), {});
  assert.deepEqual(scriptKeys(Uint8Array.of(0x51)), {});
  const p2pkh = p2pkhScript(h20('y'));
  assert.deepEqual(scriptKeys(p2pkh.subarray(0, 24)), {}, 'truncated P2PKH');
  assert.deepEqual(scriptKeys(concatBytes(p2pkh, Uint8Array.of(0x87))), {}, 'P2PKH with a trailing opcode');
  assert.deepEqual(scriptKeys(concatBytes(ccSubScript(ccCondition('z')), Uint8Array.of(0x75))), {}, 'CC template with a stray OP_DROP');
});

test('scriptKeys: never throws, and every result has a valid kind and a 20-byte hash', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      const k = scriptKeys(b);
      if (k.address !== undefined) {
        assert.ok(['pubkeyhash', 'scripthash', 'cc'].includes(k.address.kind));
        assert.equal(k.address.hash.length, 20);
      }
      if (k.evalCode !== undefined) assert.equal(k.address?.kind, 'cc');
    }),
    { numRuns: RUNS },
  );
});
