/**
 * Turning the node's validation errors into gossip verdicts: which rejections are the sender's fault
 * (and how much), and which are races an honest peer causes (a vote before its block, a block whose
 * parent is still on the way, a double spend that lost). The node may use this or decide itself.
 */
import type { ErrorData } from '../util/errors.ts';
import type { GossipKind, Verdict } from './types.ts';

/** Codes that are normal races or duplicates: ignore, no penalty. */
const IGNORE = new Set([
  'CONSENSUS_FORKDB_DUPLICATE',
  'CONSENSUS_FORKDB_UNKNOWN_PARENT',
  'CONSENSUS_FORKDB_BELOW_ROOT',
  'CONSENSUS_EVIDENCE_STALE',
  'TX_MISSING_INPUTS',
  'TX_ALREADY_IN_MEMPOOL',
  'TX_ALREADY_KNOWN',
  'TX_MEMPOOL_CONFLICT',
  'TX_MEMPOOL_FULL',
  'TX_MIN_RELAY_FEE',
  'TX_NONFINAL',
  'TX_NONFINAL_SEQUENCE',
  'TX_TOO_LONG_MEMPOOL_CHAIN',
  'TX_PREMATURE_SPEND_OF_COINBASE',
]);

/**
 * The verdict for a message of `kind` the node rejected with `error` (`undefined` = accepted).
 * Examples: `verdictFor('block', {code: 'CONSENSUS_HEADER_WRONG_PRODUCER', ...})` is
 * `{reject: 'wrong-producer', ...}`; `verdictFor('vote', {code: 'CONSENSUS_FORKDB_UNKNOWN_BLOCK'})` is
 * `{reject: 'unknown-block-vote'}` (weight 1); `verdictFor('tx', {code: 'TX_MEMPOOL_CONFLICT'})` is `'ignore'`.
 */
export function verdictFor(kind: GossipKind, error: ErrorData | undefined): Verdict {
  if (error === undefined) return 'accept';
  const code = error.code;
  const detail = `${code}: ${error.message}`;
  if (IGNORE.has(code)) return 'ignore';
  if (code === 'BLOCK_SLOT_IN_FUTURE') return { reject: 'future-block', detail };
  if (code === 'BLOCK_WRONG_PRODUCER' || code === 'CONSENSUS_HEADER_WRONG_PRODUCER') return { reject: 'wrong-producer', detail };
  if (code === 'BLOCK_WRONG_CHAIN' || code === 'CONSENSUS_HEADER_WRONG_CHAIN' || code === 'CONSENSUS_EVIDENCE_WRONG_CHAIN') return { reject: 'wrong-chain', detail };
  if (code === 'CONSENSUS_FORKDB_UNKNOWN_BLOCK') return kind === 'vote' ? { reject: 'unknown-block-vote', detail } : 'ignore';
  if (code === 'CONSENSUS_FORKDB_CONFLICTING_FINAL') return { reject: 'invalid-qc', detail };
  if (code.startsWith('CONSENSUS_QC_')) return { reject: 'invalid-qc', detail };
  if (code.startsWith('CONSENSUS_VOTE_')) return { reject: 'invalid-vote', detail };
  if (kind === 'tx') return { reject: 'invalid-tx', detail };
  if (kind === 'vote') return { reject: 'invalid-vote', detail };
  if (kind === 'qc') return { reject: 'invalid-qc', detail };
  return { reject: 'invalid-block', detail };
}
