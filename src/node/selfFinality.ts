/**
 * Finality of a one-producer chain (`cchost dev`, or a single-producer `cchost node`): the quorum of a
 * schedule of one is one (q(1) = floor(2/3) + 1), so the producer's own PREPARE and COMMIT votes on
 * its block are that block's certificates. The block is final as soon as it is produced (LIB = head),
 * and the next block carries the certificates as `justifyQc`/`finalQc` with `justify`/`finalRef`
 * pointing at it, exactly as blocks of a many-producer chain carry theirs (CONSENSUS.md §5.3).
 */
import { signVote } from '../chain/block/vote.ts';
import type { BlockRef, QC, Schedule } from '../chain/block/types.ts';
import { chainIdBytes } from '../chain/spec/canonical.ts';
import type { ChainSpec } from '../chain/spec/types.ts';
import { xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { equalBytes } from '../util/bytes.ts';

/** The two certificates of a block. */
export interface BlockCertificates {
  readonly prepare: QC;
  readonly commit: QC;
}

/** Votes needed among `n` finalizers: floor(2n/3) + 1 (CONSENSUS.md §5.1). */
export function quorum(n: number): number {
  return Math.floor((2 * n) / 3) + 1;
}

/**
 * True when the holder of `privateKey` alone is a quorum of `schedule` (a schedule of one whose
 * member has this key), so its own votes finalize.
 */
export function finalizesAlone(schedule: Schedule, privateKey: Uint8Array): boolean {
  if (quorum(schedule.producers.length) !== 1) return false;
  const key = xOnlyPublicKeyFromPrivate(privateKey);
  return schedule.producers.some((p) => equalBytes(p.key, key));
}

function qcOf(spec: ChainSpec, schedule: Schedule, phase: 'PREPARE' | 'COMMIT', block: BlockRef, privateKey: Uint8Array, member: number): QC {
  const sig = signVote({ chainId: chainIdBytes(spec), phase, block, activeVersion: schedule.version, pendingVersion: 0 }, privateKey);
  const bitmap = new Uint8Array(Math.ceil(schedule.producers.length / 8));
  bitmap[member >> 3] = 1 << (member & 7);
  return { phase, block, activeVersion: schedule.version, activeBitmap: bitmap, activeSigs: [sig], pendingVersion: 0 };
}

/**
 * Signs PREPARE and COMMIT votes on `block` with `privateKey` and wraps each in a one-signature
 * certificate. Returns undefined when the key alone is not a quorum (see `finalizesAlone`).
 * Example: `const certs = selfCertificates(spec, spec.schedule, chain.tipRef(), key)`.
 */
export function selfCertificates(spec: ChainSpec, schedule: Schedule, block: BlockRef, privateKey: Uint8Array): BlockCertificates | undefined {
  if (!finalizesAlone(schedule, privateKey)) return undefined;
  const key = xOnlyPublicKeyFromPrivate(privateKey);
  const member = schedule.producers.findIndex((p) => equalBytes(p.key, key));
  return {
    prepare: qcOf(spec, schedule, 'PREPARE', block, privateKey, member),
    commit: qcOf(spec, schedule, 'COMMIT', block, privateKey, member),
  };
}
