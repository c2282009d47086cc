/**
 * The JSON form of a transaction, as bitcoind's `decoderawtransaction` / verbose `getrawtransaction`
 * print it (Komodo additions: `valueSat` beside each output's decimal `value`).
 */
import type { Transaction } from 'bitcoinjs-lib';
import { isCoinbase, legacyTxSize } from '../../chain/checkTransaction.ts';
import { displayTxid } from '../../chain/state/key.ts';
import { txidOf } from '../../chain/state/txid.ts';
import type { ChainPrefixes } from '../../crypto/address.ts';
import { toHex } from '../../util/bytes.ts';
import { coins, satsNumber } from './amount.ts';
import { scriptPubKeyJson, scriptToAsm } from './script.ts';

/** Decodes a transaction into bitcoind's JSON shape. `hex` adds the raw hex (verbose getrawtransaction). */
export function txJson(tx: Transaction, prefixes: ChainPrefixes, o: { hex?: Uint8Array } = {}): Record<string, unknown> {
  const txid = displayTxid(txidOf(tx));
  const coinbase = isCoinbase(tx);
  const out: Record<string, unknown> = {
    txid,
    hash: txid,
    version: tx.version,
    size: legacyTxSize(tx),
    locktime: tx.locktime >>> 0,
    vin: tx.ins.map((i) =>
      coinbase
        ? { coinbase: toHex(i.script), sequence: i.sequence >>> 0 }
        : {
            txid: displayTxid(i.hash),
            vout: i.index,
            scriptSig: { asm: scriptToAsm(i.script, true), hex: toHex(i.script) },
            sequence: i.sequence >>> 0,
          },
    ),
    vout: tx.outs.map((o, n) => ({ value: coins(o.value), valueSat: satsNumber(o.value), n, scriptPubKey: scriptPubKeyJson(o.script, prefixes) })),
  };
  if (o.hex !== undefined) out['hex'] = toHex(o.hex);
  return out;
}
