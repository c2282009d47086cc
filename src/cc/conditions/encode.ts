/**
 * The fulfillment writer (CC.md A4) with the threshold selection rule of A5.4: among the children
 * that can produce a fulfillment, the `threshold` cheapest (stable on ties) become sub-fulfillments
 * and every other child is written as its condition; both SETs are sorted by their DER bytes (A3.5).
 */
import { compareBytes } from '../../util/bytes.ts';
import { tlv, uintContents } from './der.ts';
import { deriveAt } from './derive.ts';
import { CCErrorCode, fail } from './errors.ts';
import type { Limits } from './limits.ts';
import type { CCNode } from './types.ts';

/**
 * True when `node` can produce a fulfillment (A5.4): preimage and eval always; signature nodes once
 * signed; prefix when its child can; threshold when at least `threshold` children can; anon never.
 */
export function canFulfill(node: CCNode): boolean {
  switch (node.type) {
    case 'preimage':
    case 'eval':
      return true;
    case 'rsa':
    case 'ed25519':
    case 'secp256k1':
      return node.signature !== undefined;
    case 'prefix':
      return canFulfill(node.child);
    case 'threshold': {
      let n = 0;
      for (const c of node.children) if (canFulfill(c)) n++;
      return n >= node.threshold;
    }
    case 'anon':
      return false;
  }
}

/** DER fulfillment of `node` found at `depth`; the tree must already derive under `lim`. Fails with CCFail. */
export function encodeAt(node: CCNode, depth: number, lim: Limits): Uint8Array {
  switch (node.type) {
    case 'preimage':
      return tlv(0xa0, [tlv(0x80, [node.preimage])]);
    case 'prefix':
      return tlv(0xa1, [
        tlv(0x80, [node.prefix]),
        tlv(0x81, [uintContents(node.maxMessageLength)]),
        tlv(0xa2, [encodeAt(node.child, depth + 1, lim)]),
      ]);
    case 'threshold':
      return encodeThreshold(node.threshold, node.children, depth, lim);
    case 'rsa': {
      const sig = signatureOf(node.signature, 'rsa');
      const m = node.modulus;
      if (sig.length !== m.length) fail(CCErrorCode.PARSE, 'A6.7', `rsa signature of ${sig.length} bytes, modulus ${m.length}`);
      if (compareBytes(sig, m) >= 0) fail(CCErrorCode.PARSE, 'A6.7', 'rsa signature is not below the modulus');
      return tlv(0xa3, [tlv(0x80, [m]), tlv(0x81, [sig])]);
    }
    case 'ed25519':
    case 'secp256k1': {
      const sig = signatureOf(node.signature, node.type);
      if (sig.length !== 64) fail(CCErrorCode.PARSE, 'A6.7', `${node.type} signature of ${sig.length} bytes (64)`);
      return tlv(node.type === 'ed25519' ? 0xa4 : 0xa5, [tlv(0x80, [node.publicKey]), tlv(0x81, [sig])]);
    }
    case 'eval':
      return tlv(0xaf, [tlv(0x80, [node.code])]);
    case 'anon':
      return fail(CCErrorCode.UNFULFILLED, 'A1', 'an anonymous condition cannot be written as a fulfillment');
  }
}

function encodeThreshold(t: number, kids: readonly CCNode[], depth: number, lim: Limits): Uint8Array {
  const candidates: { i: number; cost: number }[] = [];
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    if (canFulfill(k)) candidates.push({ i, cost: deriveAt(k, depth + 1, lim).cond.cost });
  }
  if (candidates.length < t) {
    fail(CCErrorCode.THRESHOLD_UNMET, 'A5.4', `threshold ${t} but only ${candidates.length} child(ren) can be fulfilled`);
  }
  candidates.sort((a, b) => a.cost - b.cost || a.i - b.i); // cheapest first, ties in input order
  const chosen = new Uint8Array(kids.length);
  const ffs: Uint8Array[] = [];
  for (let j = 0; j < t; j++) {
    const i = candidates[j]!.i;
    chosen[i] = 1;
    ffs.push(encodeAt(kids[i]!, depth + 1, lim));
  }
  const conds: Uint8Array[] = [];
  for (let i = 0; i < kids.length; i++) if (!chosen[i]) conds.push(deriveAt(kids[i]!, depth + 1, lim).bytes);
  ffs.sort(compareBytes);
  conds.sort(compareBytes);
  return tlv(0xa2, [tlv(0xa0, ffs), tlv(0xa1, conds)]);
}

function signatureOf(sig: unknown, what: string): Uint8Array {
  if (sig === undefined) fail(CCErrorCode.UNFULFILLED, 'A5.4', `${what} node is not signed`);
  if (!(sig instanceof Uint8Array)) fail(CCErrorCode.ARG, 'A1', `${what} signature must be a Uint8Array`);
  return sig;
}
