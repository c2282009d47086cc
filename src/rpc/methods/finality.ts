/**
 * Finality methods: getfinalityinfo (head, proposed LIB, LIB with its certificate, schedule,
 * per-producer participation, clock check), getfinalitystats (seal → final latency and head − LIB as
 * this node measured them), verifycertificate (checks a quorum certificate against the schedule, and
 * whether it proves a block final), getpeerinfo. The JSON builders here also serve getblockchaininfo,
 * getinfo and getblock (its COMMIT certificate, the block's notarization).
 */
import { decodeHeader } from '../../chain/block/header.ts';
import { bitmapIndices, decodeQc, encodeQc } from '../../chain/block/qc.ts';
import type { BlockRef, QC, Schedule } from '../../chain/block/types.ts';
import { chainIdBytes } from '../../chain/spec/canonical.ts';
import { verifyQc } from '../../consensus/certificate.ts';
import { quorum } from '../../consensus/params.ts';
import { BIP340 } from '../../consensus/scheme.ts';
import { equalBytes, toHex } from '../../util/bytes.ts';
import { defineMethod } from '../method.ts';
import type { AnyMethod } from '../method.ts';
import type { FinalityNodeContext, PercentilesView } from './finalityView.ts';
import { blockHeightOf } from './lookup.ts';

const HASH_EXAMPLE = '5f2c0b6b1b3f6b3c7f1e1c1f0f8f7a5f6d1e2c3b4a5968778695a4b3c2d1e0f1';
const CERT_EXAMPLE = `02${HASH_EXAMPLE}b0040000600900000100000001070300${'5f'.repeat(64)}`;
/** Headers after a block searched for the first one carrying a COMMIT certificate covering it. */
const CERT_SCAN = 64;

/** `{hash, height, slot}` of a block reference. */
export function refJson(r: BlockRef): { hash: string; height: number; slot: number } {
  return { hash: toHex(r.id), height: r.num, slot: r.slot };
}

function scheduleJson(s: Schedule): Record<string, unknown> {
  return { version: s.version, producers: s.producers.map((p) => ({ name: p.name, key: toHex(p.key) })), quorum: quorum(s.producers.length) };
}

function signerNames(bitmap: Uint8Array | undefined, s: Schedule | undefined): (string | number)[] {
  if (bitmap === undefined) return [];
  return bitmapIndices(bitmap).map((i) => s?.producers[i]?.name ?? i);
}

function scheduleOf(node: FinalityNodeContext, version: number): Schedule | undefined {
  const known = node.finality?.schedules() ?? [node.spec.schedule];
  return known.find((s) => s.version === version);
}

/** The JSON form of a certificate: phase, block, versions, signer names and the encoded bytes. */
export function certificateJson(node: FinalityNodeContext, qc: QC): Record<string, unknown> {
  const active = scheduleOf(node, qc.activeVersion);
  const pending = qc.pendingVersion !== 0 ? scheduleOf(node, qc.pendingVersion) : undefined;
  return {
    phase: qc.phase,
    block: refJson(qc.block),
    active_version: qc.activeVersion,
    signers: signerNames(qc.activeBitmap, active),
    pending_version: qc.pendingVersion,
    ...(qc.pendingVersion !== 0 ? { pending_signers: signerNames(qc.pendingBitmap, pending) } : {}),
    hex: toHex(encodeQc(qc)),
  };
}

function pct(p: PercentilesView): Record<string, number | null> {
  return { count: p.count, p50: p.p50 ?? null, p90: p.p90 ?? null, p99: p.p99 ?? null, max: p.max ?? null };
}

/**
 * The finality object of getblockchaininfo, getinfo and getfinalityinfo: head, proposed LIB, LIB,
 * schedule and per-producer participation (and, on a networked node, the LIB certificate, the clock
 * check and this node's role).
 */
export function finalityJson(node: FinalityNodeContext): Record<string, unknown> {
  const f = node.finality?.status();
  if (f === undefined) {
    const tip = node.tip();
    const lib = node.lib();
    const lr = { hash: toHex(lib.id), height: lib.height, slot: lib.height === tip.height ? tip.slot : undefined };
    return {
      mode: 'single-producer',
      head: { hash: toHex(tip.id), height: tip.height, slot: tip.slot },
      head_producer: tip.header.producer,
      proposed_lib: lr,
      lib: lr,
      head_minus_lib: tip.height - lib.height,
      schedule: scheduleJson(node.spec.schedule),
      participation: node.spec.schedule.producers.map((p) => ({ name: p.name, participation: 1 })),
    };
  }
  const now = Date.now();
  return {
    mode: f.mode,
    ...(f.name !== undefined ? { producer_name: f.name } : {}),
    head: refJson(f.head),
    head_producer: f.headProducer,
    proposed_lib: refJson(f.proposedLib),
    lib: refJson(f.lib),
    head_minus_lib: f.head.num - f.lib.num,
    lib_certificate: f.libQc !== undefined ? certificateJson(node, f.libQc) : null,
    schedule: scheduleJson(f.active),
    pending_schedule: f.pending !== undefined ? scheduleJson(f.pending) : null,
    participation: f.participation.map((p) => ({
      name: p.name,
      ...(p.pendingOnly ? { pending_only: true } : {}),
      produced: p.produced,
      missed: p.missed,
      missed_in_a_row: p.missedInARow,
      standby: p.standby,
      last_vote_slot: p.lastVoteSlot,
      last_vote_age_ms: p.lastVoteMs > 0 ? Math.max(0, now - p.lastVoteMs) : null,
      voted_blocks: p.voted,
      final_blocks: p.blocks,
      participation: p.blocks > 0 ? Math.round((p.voted / p.blocks) * 1000) / 1000 : null,
      signed_certificates: p.signed,
      certificates: p.certificates,
    })),
    clock: { offset_ms: f.clock.offsetMs ?? null, producers_sampled: f.clock.producers, skewed: f.clock.skewed, limit_ms: f.clock.limitMs },
    ...(f.production !== undefined
      ? {
          production: {
            last_produced_slot: f.production.lastProducedSlot,
            produced: f.production.produced,
            last_refusal: f.production.lastRefusal ?? null,
            producing: !f.clock.skewed,
          },
        }
      : {}),
    ...(f.startupSlot !== undefined ? { startup_slot: f.startupSlot } : {}),
    votes_sent: f.votesSent,
    equivocations_seen: f.equivocations,
    evidence_pending: f.evidence,
    fork_db_blocks: f.forkDbBlocks,
    orphans: f.orphans,
    syncing: f.syncing,
    peers: f.peers,
  };
}

/** A certificate that proves the block at `height` (≤ LIB) final, and whether it is on the block itself. */
export interface CommitCertificate {
  readonly qc: QC;
  /** True when the certificate is on the block itself (its notarization); false when on a descendant. */
  readonly own: boolean;
  /** Where it was found: a later header of the chain, or the node's LIB certificate. */
  readonly source: 'header' | 'lib';
}

/**
 * The COMMIT certificate proving the final block at `height`: the first later header of the chain
 * whose `finalQc` covers it (normally the block's own certificate, one or two blocks later), else the
 * certificate of the node's LIB (covers every final block). Undefined for genesis (final by
 * definition), blocks above the LIB, and a dev chain's newest block.
 */
export function commitCertificateFor(node: FinalityNodeContext, height: number): CommitCertificate | undefined {
  const lib = node.lib().height;
  if (height < 1 || height > lib) return undefined;
  const tip = node.tip().height;
  for (let h = height + 1; h <= Math.min(tip, height + CERT_SCAN); h++) {
    const s = node.store.getHeader(h);
    if (s === undefined) break;
    const d = decodeHeader(s.bytes);
    if (!d.ok) break;
    const qc = d.value.finalQc;
    if (qc !== undefined && qc.block.num >= height) return { qc, own: qc.block.num === height, source: 'header' };
  }
  const libQc = node.finality?.status().libQc;
  if (libQc !== undefined && libQc.block.num >= height && libQc.block.num <= lib) return { qc: libQc, own: libQc.block.num === height, source: 'lib' };
  return undefined;
}

/** The finality methods of a node. */
export function finalityMethods(node: FinalityNodeContext): AnyMethod[] {
  return [
    defineMethod({
      name: 'getfinalityinfo',
      summary: 'Returns the finality state: head, proposed LIB, LIB with its COMMIT certificate, schedule, per-producer participation, clock check.',
      category: 'Blockchain',
      params: [],
      result: {
        description:
          'mode (producer, full, light, single-producer), head, proposed_lib, lib, head_minus_lib, lib_certificate, schedule, pending_schedule, participation[], clock, production, votes_sent, equivocations_seen, syncing, peers',
      },
      example: { params: [], result: { mode: 'producer', head: { height: 1201 }, proposed_lib: { height: 1200 }, lib: { height: 1200 }, head_minus_lib: 1 } },
      rest: { method: 'GET', path: '/v1/chain/finality' },
      handler: () => finalityJson(node),
    }),
    defineMethod({
      name: 'getfinalitystats',
      summary: 'Returns finality latency as this node measured it: slot start → final (p50/p90/p99/max ms) and head − LIB at slot starts.',
      category: 'Blockchain',
      description: "The latency runs from the block's slot start (the earliest its producer may seal it) to the moment this node held its COMMIT certificate, so it is an upper bound of seal → final.",
      params: [
        { name: 'since_height', type: 'integer', min: -1, default: -1, description: 'Only blocks above this height (-1 = all remembered)' },
        { name: 'samples', type: 'integer', min: 1, max: 4096, default: 240, description: 'head − LIB samples to summarise (the latest)' },
        { name: 'recent', type: 'integer', min: 0, max: 4096, default: 0, description: 'Also list this many recently finalized blocks [height, slot_start_ms, final_ms]' },
      ],
      result: { description: 'latency_ms {count, p50, p90, p99, max}, head_minus_lib {count, p50, p90, p99, max}, recent[]' },
      example: { params: [], result: { latency_ms: { count: 240, p50: 180, p99: 420 }, head_minus_lib: { p50: 1, max: 2 } } },
      rest: { method: 'GET', path: '/v1/chain/finalitystats' },
      handler: ({ since_height, samples, recent }) => {
        const v = node.finality;
        if (v === undefined) return { latency_ms: pct({ count: 0, p50: undefined, p90: undefined, p99: undefined, max: undefined }), head_minus_lib: pct({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 }), recent: [] };
        return {
          latency_ms: pct(v.stats.latency(since_height)),
          head_minus_lib: pct(v.stats.lag(samples)),
          recent: recent > 0 ? v.stats.recent(recent).map((r) => [r.num, r.slotStartMs, r.finalMs]) : [],
        };
      },
    }),
    defineMethod({
      name: 'verifycertificate',
      summary: 'Checks a quorum certificate against the schedule of its version, and whether it proves a block final.',
      category: 'Blockchain',
      description:
        'The certificate is the hex that getblock and getfinalityinfo show. It is valid when every signer is a member of the schedule of its version (and of the pending one, when it names one), at least a quorum floor(2n/3)+1 signed, and every signature verifies over the canonical vote bytes. With blockhash, `proves_final` says whether this COMMIT certificate is on that block or on a descendant of it on this chain.',
      params: [
        { name: 'certificate', type: 'hex', maxBytes: 16_384, description: 'The encoded certificate (hex)' },
        { name: 'blockhash', type: 'string', required: false, maxLength: 64, description: 'A block (hash or height) the certificate should prove final' },
      ],
      result: { description: 'valid, reason (when invalid), phase, block, active_version, signers, quorum, on_chain, proves_final (with blockhash)' },
      example: { params: [CERT_EXAMPLE], result: { valid: true, phase: 'COMMIT', block: { hash: HASH_EXAMPLE, height: 1200 }, signers: ['alice', 'bob', 'carol'], quorum: 3, on_chain: true } },
      errors: [
        { code: 'rpc/BAD_BLOCK_REF', rpc: 'RPC_INVALID_PARAMETER', description: 'blockhash is neither a 64-hex hash nor a height' },
        { code: 'rpc/BLOCK_NOT_FOUND', rpc: 'RPC_INVALID_ADDRESS_OR_KEY', description: 'no block with that hash' },
      ],
      rest: { method: 'POST', path: '/v1/chain/verifycertificate' },
      handler: ({ certificate, blockhash }) => {
        const d = decodeQc(certificate);
        if (!d.ok) return { valid: false, reason: `not a certificate: ${d.error.message}` };
        const qc = d.value;
        const active = scheduleOf(node, qc.activeVersion);
        const pending = qc.pendingVersion !== 0 ? scheduleOf(node, qc.pendingVersion) : undefined;
        const stored = node.store.getHeader(qc.block.id);
        const onChain = stored !== undefined && stored.height === qc.block.num;
        const base = {
          phase: qc.phase,
          block: refJson(qc.block),
          active_version: qc.activeVersion,
          pending_version: qc.pendingVersion,
          signers: signerNames(qc.activeBitmap, active),
          quorum: active !== undefined ? quorum(active.producers.length) : null,
          on_chain: onChain,
        };
        let reason: string | undefined;
        if (active === undefined) reason = `schedule version ${qc.activeVersion} is not known to this node`;
        else if (qc.pendingVersion !== 0 && pending === undefined) reason = `pending schedule version ${qc.pendingVersion} is not known to this node`;
        else {
          const v = verifyQc(qc, qc.phase, qc.block, { chainId: chainIdBytes(node.spec), active, pending }, BIP340);
          if (!v.ok) reason = v.error.message;
        }
        let provesFinal: boolean | undefined;
        if (blockhash !== undefined) {
          const target = blockHeightOf(node, blockhash, 'blockhash');
          const certified = onChain ? node.store.getHeader(qc.block.num) : undefined;
          provesFinal = reason === undefined && qc.phase === 'COMMIT' && certified !== undefined && equalBytes(certified.id, qc.block.id) && target.height <= qc.block.num;
        }
        return { valid: reason === undefined, ...(reason !== undefined ? { reason } : {}), ...base, ...(provesFinal !== undefined ? { proves_final: provesFinal } : {}) };
      },
    }),
    defineMethod({
      name: 'getpeerinfo',
      summary: 'Returns the connected P2P peers: name, role, address, announced head and LIB, traffic, score, round trip.',
      category: 'Network',
      params: [],
      result: { description: 'An array of peers (empty on a node without networking)' },
      example: { params: [], result: [{ name: 'bob', producer: true, address: '127.0.0.1:7791', head: { height: 1201 }, lib: { height: 1200 } }] },
      rest: { method: 'GET', path: '/v1/net/peers' },
      handler: () =>
        (node.finality?.peers() ?? []).map((p) => ({
          id: p.id,
          name: p.name,
          producer: p.producer,
          address: p.address,
          direction: p.direction,
          agent: p.agent,
          connected_at: p.connectedAt,
          head: refJson(p.head),
          lib: refJson(p.lib),
          bytes_in: p.bytesIn,
          bytes_out: p.bytesOut,
          score: p.score,
          rtt_ms: p.rttMs ?? null,
        })),
    }),
  ];
}
