/**
 * The light client's finality check (CONSENSUS.md §5.11): is block B final, given only headers,
 * certificates and proofs, and a trusted starting point? No transactions, no fork database, no votes.
 *
 * Trust (`LightClientTrust`): a final block (genesis or a checkpoint) and the schedules the client
 * holds, each with the block range whose certificates it may sign. A proof is either
 * - `certificate`: a header D with a COMMIT certificate on it, optionally a block B under D with the
 *   MMR proof of B.id against D.ancestorsRoot, optionally a transaction merkle branch against the
 *   proven block's txRoot; or
 * - `headers`: consecutive headers from the anchor's child on; every COMMIT certificate a header
 *   carries (`finalQc`) on an earlier header of the list is checked, optionally a detached COMMIT
 *   certificate on the last header; the highest certified header is final with all before it.
 *
 * A certificate counts when it is a COMMIT certificate on exactly that header, under the schedules the
 * header names (active, and pending when non-zero), each held by the client for that height, with a
 * quorum of distinct members' valid signatures (`verifyQc`: its QC_* codes come back unchanged).
 *
 * Following schedule changes (§5.11): a header that carries `newSchedule` v+1 and is proven final
 * teaches the client v+1, valid from the next block on; a final header whose active version is w
 * retires every version below w from that height on, so old keys cannot certify blocks after they left
 * (blocks at or above that height on another branch would conflict with a final block). A client that
 * was offline walks the versions in order; long-range forgery with keys of versions it never saw
 * retired is what its trust period / checkpoint must exclude.
 */
import { verifyAncestor } from '../chain/block/ancestors.ts';
import type { AncestryProof } from '../chain/block/ancestors.ts';
import type { BlockHeader, BlockRef, QC, Schedule } from '../chain/block/types.ts';
import { merkleRootFromBranch } from '../chain/merkle.ts';
import { equalBytes } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { verifyQc } from './certificate.ts';
import { ConsensusErrorCode, fail } from './errors.ts';
import type { ConsensusError } from './errors.ts';
import { headerId } from './header.ts';
import { idKey, sameRef, showRef } from './refs.ts';
import { BIP340 } from './scheme.ts';
import type { SignatureScheme } from './scheme.ts';

/** A schedule the client holds, and the block numbers whose certificates it may sign. */
export interface TrustedSchedule {
  readonly schedule: Schedule;
  /** First block number it may certify (the anchor's number, or the proposing block's + 1). */
  readonly fromNum: number;
  /** Blocks from this number on belong to a later version (absent: no later version seen final yet). */
  readonly untilNum?: number;
}

/** What a light client trusts: chain, scheme, a final block, and the schedules it knows (ascending versions). */
export interface LightClientTrust {
  readonly chainId: Uint8Array;
  readonly scheme: SignatureScheme;
  readonly anchor: BlockRef;
  readonly schedules: readonly TrustedSchedule[];
}

/**
 * The trust of a client that starts from `anchor` (genesis or a checkpoint) whose active schedule is
 * `schedule`. Example: `lightTrust(chainId, headerRef(genesis), spec.schedule)`.
 */
export function lightTrust(chainId: Uint8Array, anchor: BlockRef, schedule: Schedule, scheme: SignatureScheme = BIP340): LightClientTrust {
  return { chainId, scheme, anchor, schedules: [{ schedule, fromNum: anchor.num }] };
}

/** A transaction's merkle branch against the proven block's txRoot (Bitcoin layout, internal byte order). */
export interface TxInclusion {
  readonly txid: Uint8Array;
  readonly index: number;
  readonly branch: readonly Uint8Array[];
}

/** A finality proof (see the file comment). */
export type FinalityProof =
  | {
      readonly kind: 'certificate';
      /** The certified header D. */
      readonly header: BlockHeader;
      /** A COMMIT certificate on D. */
      readonly qc: QC;
      /** A block B under D and the proof of B.id against D.ancestorsRoot (B = D when absent). */
      readonly target?: { readonly header: BlockHeader; readonly proof: AncestryProof };
      readonly tx?: TxInclusion;
    }
  | {
      readonly kind: 'headers';
      /** Consecutive headers, the first a child of the trust anchor. */
      readonly headers: readonly BlockHeader[];
      /** A COMMIT certificate on the last header, when it is not (yet) carried by a later one. */
      readonly qc?: QC;
    };

/** What a valid proof shows. */
export interface FinalityVerdict {
  /** The block proven final (the target, or the certified block). */
  readonly final: BlockRef;
  /** The block the certificate is on. */
  readonly certified: BlockRef;
  /** The trust after following the schedule changes the proof showed final (keep it for the next proof). */
  readonly trust: LightClientTrust;
}

function refOf(h: BlockHeader): Result<BlockRef, ConsensusError> {
  try {
    return ok({ id: headerId(h), num: h.num, slot: h.slot });
  } catch {
    return fail(ConsensusErrorCode.LIGHT_MALFORMED, 'the header cannot be encoded');
  }
}

function scheduleAt(trust: LightClientTrust, version: number, num: number, role: string): Result<Schedule, ConsensusError> {
  const t = trust.schedules.find((s) => s.schedule.version === version);
  if (t === undefined || num < t.fromNum) {
    return fail(ConsensusErrorCode.LIGHT_UNKNOWN_VERSION, `the client holds no ${role} schedule version ${version} for block ${num} (follow the schedule changes first)`);
  }
  if (t.untilNum !== undefined && num >= t.untilNum) {
    return fail(ConsensusErrorCode.LIGHT_RETIRED_VERSION, `${role} schedule version ${version} certifies blocks below ${t.untilNum} only; block ${num} is later (keys that left)`);
  }
  return ok(t.schedule);
}

/** Checks that `qc` is a valid COMMIT certificate on header `h` (whose reference is `ref`) under the trust. */
function checkCertificate(trust: LightClientTrust, h: BlockHeader, ref: BlockRef, qc: QC): Result<void, ConsensusError> {
  if (!equalBytes(h.chainId, trust.chainId)) return fail(ConsensusErrorCode.LIGHT_WRONG_CHAIN, 'the header is for another chain');
  if (!(ref.num > trust.anchor.num)) return fail(ConsensusErrorCode.LIGHT_BEFORE_ANCHOR, `block ${showRef(ref)} is not after the trust anchor ${showRef(trust.anchor)}`);
  const active = scheduleAt(trust, h.activeVersion, ref.num, 'active');
  if (!active.ok) return active;
  let pending: Schedule | undefined;
  if (h.pendingVersion !== 0) {
    if (h.pendingVersion !== h.activeVersion + 1) return fail(ConsensusErrorCode.LIGHT_UNKNOWN_VERSION, `pending version ${h.pendingVersion} does not follow active ${h.activeVersion}`);
    const p = scheduleAt(trust, h.pendingVersion, ref.num, 'pending');
    if (!p.ok) return p;
    pending = p.value;
  }
  return verifyQc(qc, 'COMMIT', ref, { chainId: trust.chainId, active: active.value, pending }, trust.scheme);
}

/** The trust after header `h` (reference `ref`) is known final: learn its proposal, retire versions below its active one. */
function learn(trust: LightClientTrust, h: BlockHeader, ref: BlockRef): LightClientTrust {
  let schedules = trust.schedules.map((s) =>
    s.schedule.version < h.activeVersion && (s.untilNum === undefined || s.untilNum > ref.num) ? { ...s, untilNum: ref.num } : s,
  );
  const p = h.newSchedule;
  const highest = schedules[schedules.length - 1]!.schedule.version;
  if (p !== undefined && p.version === highest + 1) schedules = [...schedules, { schedule: p, fromNum: ref.num + 1 }];
  return { ...trust, schedules };
}

function checkTx(tx: TxInclusion | undefined, h: BlockHeader): Result<void, ConsensusError> {
  if (tx === undefined) return ok(undefined);
  let root: Uint8Array;
  try {
    root = merkleRootFromBranch(tx.txid, tx.index, tx.branch);
  } catch {
    return fail(ConsensusErrorCode.LIGHT_TX_NOT_INCLUDED, 'malformed merkle branch');
  }
  if (!equalBytes(root, h.txRoot)) return fail(ConsensusErrorCode.LIGHT_TX_NOT_INCLUDED, 'the merkle branch does not lead to the block’s txRoot');
  return ok(undefined);
}

function verifyCertificateProof(p: Extract<FinalityProof, { kind: 'certificate' }>, trust: LightClientTrust): Result<FinalityVerdict, ConsensusError> {
  const d = refOf(p.header);
  if (!d.ok) return d;
  const c = checkCertificate(trust, p.header, d.value, p.qc);
  if (!c.ok) return c;
  let t = trust;
  let final = d.value;
  let finalHeader = p.header;
  if (p.target !== undefined) {
    const b = refOf(p.target.header);
    if (!b.ok) return b;
    const pr = p.target.proof;
    if (!equalBytes(p.target.header.chainId, trust.chainId)) return fail(ConsensusErrorCode.LIGHT_WRONG_CHAIN, 'the target header is for another chain');
    if (b.value.num >= d.value.num || pr.index !== b.value.num || pr.count !== d.value.num || !verifyAncestor(p.header.ancestorsRoot, b.value.id, pr)) {
      return fail(ConsensusErrorCode.LIGHT_NOT_ANCESTOR, `${showRef(b.value)} is not proven an ancestor of the certified ${showRef(d.value)}`);
    }
    if (b.value.num > trust.anchor.num) t = learn(t, p.target.header, b.value);
    final = b.value;
    finalHeader = p.target.header;
  }
  t = learn(t, p.header, d.value);
  const tx = checkTx(p.tx, finalHeader);
  if (!tx.ok) return tx;
  return ok({ final, certified: d.value, trust: t });
}

function verifyHeaderChain(p: Extract<FinalityProof, { kind: 'headers' }>, trust: LightClientTrust): Result<FinalityVerdict, ConsensusError> {
  const refs: BlockRef[] = [];
  const index = new Map<string, number>();
  let prev = trust.anchor;
  for (const h of p.headers) {
    const r = refOf(h);
    if (!r.ok) return r;
    if (!equalBytes(h.chainId, trust.chainId)) return fail(ConsensusErrorCode.LIGHT_WRONG_CHAIN, 'a header is for another chain');
    if (!equalBytes(h.parent, prev.id) || h.num !== prev.num + 1 || !(h.slot > prev.slot)) {
      return fail(ConsensusErrorCode.LIGHT_BROKEN_CHAIN, `header ${showRef(r.value)} does not follow ${showRef(prev)}`);
    }
    index.set(idKey(r.value.id), refs.length);
    refs.push(r.value);
    prev = r.value;
  }
  // finality claims in order: each certificate covers its block and everything before it
  let t = trust;
  let finalIdx = -1;
  const settle = (upTo: number): void => {
    for (let k = finalIdx + 1; k <= upTo; k++) t = learn(t, p.headers[k]!, refs[k]!);
    finalIdx = Math.max(finalIdx, upTo);
  };
  const certify = (qc: QC, atIdx: number): Result<void, ConsensusError> => {
    const k = index.get(idKey(qc.block.id));
    if (k === undefined || k >= atIdx || !sameRef(refs[k]!, qc.block)) {
      return fail(ConsensusErrorCode.LIGHT_NOT_ANCESTOR, `a certificate on ${showRef(qc.block)} is not on an earlier header of the chain`);
    }
    if (k <= finalIdx) return ok(undefined);
    const c = checkCertificate(t, p.headers[k]!, refs[k]!, qc);
    if (!c.ok) return c;
    settle(k);
    return ok(undefined);
  };
  for (let i = 0; i < p.headers.length; i++) {
    const qc = p.headers[i]!.finalQc;
    if (qc === undefined) continue;
    if (qc.block.num <= trust.anchor.num) continue; // a claim on the anchor or before it: nothing new
    const c = certify(qc, i);
    if (!c.ok) return c;
  }
  if (p.qc !== undefined) {
    const c = certify(p.qc, p.headers.length);
    if (!c.ok) return c;
  }
  if (finalIdx < 0) return fail(ConsensusErrorCode.LIGHT_NO_CERTIFICATE, 'no COMMIT certificate in the proof covers a block after the anchor');
  return ok({ final: refs[finalIdx]!, certified: refs[finalIdx]!, trust: t });
}

/**
 * Checks a finality proof against the client's trust (see the file comment). Never throws.
 * Example: `const v = verifyFinality({kind: 'certificate', header, qc}, trust); if (v.ok) trust = v.value.trust`.
 */
export function verifyFinality(proof: FinalityProof, trust: LightClientTrust): Result<FinalityVerdict, ConsensusError> {
  try {
    return proof.kind === 'certificate' ? verifyCertificateProof(proof, trust) : verifyHeaderChain(proof, trust);
  } catch (e) {
    return fail(ConsensusErrorCode.LIGHT_MALFORMED, `malformed proof: ${(e as Error).message}`);
  }
}
