/**
 * The fork database at start-up (CONSENSUS.md §5.10 step 1): the store holds the final chain up to
 * its LIB and the reversible blocks above it (the head's branch), all validated before they were
 * connected. Their header states are recomputed from genesis with `nextHeaderState`, trusting the
 * signatures and certificates the node checked when it first accepted the blocks (so a long chain
 * costs hashing, not signature checks). The root is then advanced to the store's LIB in steps, so the
 * fork database keeps the header states of recent final blocks that `extends` and claim checks need.
 */
import { decodeHeader } from '../../chain/block/header.ts';
import type { BlockHeader } from '../../chain/block/types.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';
import { consensusConfig } from '../../consensus/config.ts';
import type { ConsensusConfig } from '../../consensus/config.ts';
import { ForkDb } from '../../consensus/forkDb.ts';
import type { BranchApplier } from '../../consensus/forkDb.ts';
import { headerRef } from '../../consensus/header.ts';
import { genesisHeaderState, nextHeaderState } from '../../consensus/headerState.ts';
import type { SignatureScheme } from '../../consensus/scheme.ts';
import type { Store } from '../../store/types.ts';
import { CchostError, ok } from '../../util/errors.ts';
import type { NodeBlock } from './applier.ts';

/** Blocks replayed between two root advances (bounds memory on long chains). */
const ROOT_STEP = 1024;

/** Accepts every signature: only for replaying blocks this node validated before it stored them. */
const TRUSTED: SignatureScheme = Object.freeze({
  sign: () => {
    throw new RangeError('the trusted replay scheme cannot sign');
  },
  verify: () => true,
});

/** An applier for blocks that are in the store already: applying is a no-op, undoing is a bug. */
const IN_STORE: BranchApplier<NodeBlock> = {
  apply: () => ok(undefined),
  undo: () => {
    throw new RangeError('a stored block was undone during the start-up replay');
  },
};

function storedHeader(store: Pick<Store, 'getHeader'>, height: number): BlockHeader {
  const s = store.getHeader(height);
  if (s === undefined) throw new CchostError('STORE_CORRUPT', `block ${height} is missing from the block log; run the consistency check`, { height });
  const d = decodeHeader(s.bytes);
  if (!d.ok) throw new CchostError('STORE_CORRUPT', `block ${height}'s stored header does not decode: ${d.error.message}`, { height });
  return d.value;
}

function payload(): NodeBlock {
  return { block: undefined, raw: undefined, delta: undefined, from: undefined, arrivedMs: 0 };
}

/**
 * The fork database of a store: root = the store's LIB, head = its tip, every block validated.
 * Throws STORE_CORRUPT when a stored header is missing or does not follow its parent.
 * Example: `const db = forkDbFromStore(spec, store)`.
 */
export function forkDbFromStore(spec: ChainSpec, store: Pick<Store, 'getHeader' | 'height' | 'lib'>): ForkDb<NodeBlock> {
  const cfg: ConsensusConfig = consensusConfig(spec, { scheme: TRUSTED });
  const tip = store.height();
  const lib = Math.max(0, Math.min(store.lib(), tip));
  const genesis = storedHeader(store, 0);
  const db = new ForkDb<NodeBlock>(genesis, genesisHeaderState(headerRef(genesis), spec.schedule), payload());
  let parent = db.root;
  for (let h = 1; h <= tip; h++) {
    const header = storedHeader(store, h);
    const st = nextHeaderState(cfg, parent.state, header, db.ancestorStateFor(header.parent), { skipSignature: true });
    if (!st.ok) throw new CchostError('STORE_CORRUPT', `stored block ${h} does not follow its parent: ${st.error.message}`, { height: h });
    const added = db.add(header, st.value, payload());
    if (!added.ok) throw new CchostError('STORE_CORRUPT', `stored block ${h} cannot enter the fork database: ${added.error.message}`, { height: h });
    parent = added.value;
    if (h <= lib && (h % ROOT_STEP === 0 || h === lib)) {
      db.updateHead(IN_STORE);
      const r = db.advanceRoot(added.value);
      if (!r.ok) throw new CchostError('STORE_CORRUPT', `cannot make stored block ${h} the root: ${r.error.message}`, { height: h });
    }
  }
  db.updateHead(IN_STORE);
  return db;
}
