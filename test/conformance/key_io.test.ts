import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAddress, encodeAddress } from '../../src/crypto/address.ts';
import type { ChainPrefixes } from '../../src/crypto/address.ts';
import { decodeWif, encodeWif } from '../../src/crypto/keys.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';
import { printTally, readVectorJson } from '../helpers/vectors.ts';

type Row = [string, string, { chain: string; isPrivkey: boolean; isCompressed?: boolean; tryCaseFlip?: boolean }];

// Bitcoin's Base58 version bytes, to prove the prefix parametrisation against Core's own vectors.
const MAIN: ChainPrefixes = { pubKeyHash: 0, scriptHash: 5, wif: 128 };
const TEST: ChainPrefixes = { pubKeyHash: 111, scriptHash: 196, wif: 239 };
const CHAINS: Record<string, ChainPrefixes> = { main: MAIN, testnet4: TEST, signet: TEST, regtest: TEST };

function swapCase(s: string): string {
  let out = '';
  for (const c of s) out += c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
  return out;
}

/** The scriptPubKey a decoded Base58 address pays to. */
function scriptOf(kind: 'pubkeyhash' | 'scripthash', hash: Uint8Array): string {
  return kind === 'pubkeyhash' ? `76a914${toHex(hash)}88ac` : `a914${toHex(hash)}87`;
}

test('key_io_valid.json: Base58 addresses and WIF keys with mainnet/testnet/regtest prefixes', () => {
  const rows = readVectorJson<Row[]>('bitcoin/key_io_valid.json');
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const [encoded, hex, meta] of rows) {
    const prefixes = CHAINS[meta.chain];
    if (prefixes === undefined) {
      failures.push(`${encoded}: unknown chain ${meta.chain}`);
      continue;
    }
    const other = prefixes === MAIN ? TEST : MAIN;
    const problems: string[] = [];
    if (meta.isPrivkey) {
      const d = decodeWif(encoded, prefixes);
      if (!d.ok) problems.push(`decode failed: ${d.error.message}`);
      else {
        if (toHex(d.value.privateKey) !== hex) problems.push(`key ${toHex(d.value.privateKey)}`);
        if (d.value.compressed !== meta.isCompressed) problems.push(`compressed ${d.value.compressed}`);
        if (encodeWif(fromHex(hex), meta.isCompressed ?? true, prefixes) !== encoded) problems.push('re-encode differs');
      }
      const wrong = decodeWif(encoded, other);
      if (wrong.ok || wrong.error['reason'] !== 'prefix') problems.push('decoded under the other chain');
    } else {
      const isBase58 = /^(76a914[0-9a-f]{40}88ac|a914[0-9a-f]{40}87)$/.test(hex);
      if (!isBase58) {
        // Bech32/bech32m (witness) addresses are not part of this chain format.
        skipped++;
        continue;
      }
      const d = decodeAddress(encoded, prefixes);
      if (!d.ok) problems.push(`decode failed: ${d.error.message}`);
      else {
        if (scriptOf(d.value.kind, d.value.hash) !== hex) problems.push(`script ${scriptOf(d.value.kind, d.value.hash)}`);
        if (encodeAddress(d.value.kind, d.value.hash, prefixes) !== encoded) problems.push('re-encode differs');
      }
      // Core: swapping the letter case of a Base58 address must make it invalid.
      if (decodeAddress(swapCase(encoded), prefixes).ok) problems.push('case-swapped string still decodes');
      const wrong = decodeAddress(encoded, other);
      if (wrong.ok || wrong.error['reason'] !== 'prefix') problems.push('decoded under the other chain');
    }
    if (problems.length === 0) passed++;
    else failures.push(`${encoded} (${meta.chain}): ${problems.join('; ')}`);
  }
  printTally('key_io_valid', passed, failures.length, skipped, 'bech32 witness addresses');
  assert.deepEqual(failures, []);
  assert.equal(passed, 38, 'expected 22 Base58 addresses and 16 WIF keys');
});
