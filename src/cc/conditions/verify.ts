/**
 * Verification (CC.md A1.1, A7): strict parse, exact condition match, every fulfilled signature
 * node against the message it receives, then the host's eval callback for every fulfilled eval node
 * (fail closed: no callback, a false verdict or a throwing callback all reject).
 */
import { ed25519Verify } from '../../crypto/ed25519.ts';
import { rsaPssSha256Verify } from '../../crypto/rsa.ts';
import { ecdsaVerifyCompact } from '../../crypto/secp256k1.ts';
import { concatBytes, equalBytes } from '../../util/bytes.ts';
import { deriveRoot } from './derive.ts';
import { CCErrorCode, fail } from './errors.ts';
import type { Limits } from './limits.ts';
import { readFulfillment } from './parse.ts';
import type { CCNode } from './types.ts';

/**
 * The host's verdict on one fulfilled eval node: `code` is the node's code (eval code byte ‖ params),
 * `path` the child indices from the root (threshold `children` index; 0 under a prefix).
 */
export type EvalCallback = (code: Uint8Array, path: readonly number[]) => boolean;

/** One fulfilled eval node of a tree, in DER (tree walk) order. */
export interface EvalHit {
  readonly code: Uint8Array;
  readonly path: readonly number[];
}

/** Runs A1.1 steps 1–4 and returns the parsed tree. Fails with CCFail. */
export function verifyAll(f: Uint8Array, c: Uint8Array, m: Uint8Array, cb: EvalCallback | undefined, lim: Limits): CCNode {
  const tree = readFulfillment(f, lim);
  const d = deriveRoot(tree, lim);
  if (!(c instanceof Uint8Array) || !equalBytes(d.bytes, c)) {
    fail(CCErrorCode.MISMATCH, 'A1.1', 'the derived condition differs from the given condition');
  }
  checkSigs(tree, m);
  runEvals(tree, cb);
  return tree;
}

/**
 * A7 for every fulfilled node of a parsed tree (every node but anon ones): prefix length bound,
 * rsa / ed25519 / secp256k1 signatures. Fails with CCFail (CC_SIG).
 */
export function checkSigs(node: CCNode, m: Uint8Array): void {
  if (!(m instanceof Uint8Array)) fail(CCErrorCode.ARG, 'A7', 'the message must be a Uint8Array');
  walkSigs(node, m);
}

function walkSigs(node: CCNode, m: Uint8Array): void {
  switch (node.type) {
    case 'preimage':
    case 'eval':
    case 'anon':
      return;
    case 'prefix':
      if (m.length > node.maxMessageLength) {
        fail(CCErrorCode.SIG, 'A7', `message of ${m.length} bytes exceeds maxMessageLength ${node.maxMessageLength}`);
      }
      walkSigs(node.child, concatBytes(node.prefix, m));
      return;
    case 'threshold':
      for (const c of node.children) walkSigs(c, m);
      return;
    case 'rsa':
      if (node.signature === undefined || !rsaPssSha256Verify(node.modulus, node.signature, m)) {
        fail(CCErrorCode.SIG, 'A7', 'rsa-sha-256 signature does not verify');
      }
      return;
    case 'ed25519':
      if (node.signature === undefined || !ed25519Verify(node.signature, node.publicKey, m)) {
        fail(CCErrorCode.SIG, 'A7', 'ed25519-sha-256 signature does not verify');
      }
      return;
    case 'secp256k1':
      if (m.length !== 32) fail(CCErrorCode.SIG, 'A7', `secp256k1-sha-256 needs a 32-byte message, got ${m.length}`);
      if (node.signature === undefined || !ecdsaVerifyCompact(node.signature, node.publicKey, m, { requireLowS: true })) {
        fail(CCErrorCode.SIG, 'A7', 'secp256k1-sha-256 signature does not verify (strict, low-S)');
      }
      return;
  }
}

/** Every fulfilled (non-anon) eval node of a parsed tree with its path, in walk order. */
export function collectEvals(node: CCNode): EvalHit[] {
  const out: EvalHit[] = [];
  const walk = (n: CCNode, path: number[]): void => {
    if (n.type === 'eval') out.push({ code: n.code, path: path.slice() });
    else if (n.type === 'prefix') {
      path.push(0);
      walk(n.child, path);
      path.pop();
    } else if (n.type === 'threshold') {
      for (let i = 0; i < n.children.length; i++) {
        path.push(i);
        walk(n.children[i]!, path);
        path.pop();
      }
    }
  };
  walk(node, []);
  return out;
}

function runEvals(tree: CCNode, cb: EvalCallback | undefined): void {
  for (const hit of collectEvals(tree)) {
    let okay = false;
    if (cb !== undefined) {
      try {
        okay = cb(hit.code, hit.path) === true;
      } catch {
        okay = false; // fail closed
      }
    }
    if (!okay) {
      fail(CCErrorCode.EVAL_REJECTED, 'A1.1', cb === undefined ? 'no eval callback given (fail closed)' : 'the eval callback rejected an eval node');
    }
  }
}
