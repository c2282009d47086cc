/**
 * The RPC layer's view (`FinalityView`, src/rpc/methods/finalityView.ts) of a networked node: the
 * engine's finality status with the producer's state, its latency figures, the P2P peers and the
 * schedules the node knows.
 */
import type { FinalityView, PeerView } from '../../rpc/methods/finalityView.ts';
import type { NetworkedNode } from '../p2p.ts';

/** The view of `n`. Example: `ctx.finality = finalityView(networked)`. */
export function finalityView(n: NetworkedNode): FinalityView {
  return {
    status: () => {
      const s = n.engine.status();
      const p = n.producer;
      return {
        ...s,
        production: p === undefined ? undefined : { lastProducedSlot: p.lastProducedSlot, produced: p.produced, lastRefusal: p.lastRefusal },
      };
    },
    stats: {
      latency: (since) => n.engine.stats.latency(since),
      lag: (samples) => n.engine.stats.lag(samples),
      recent: (limit) => n.engine.stats.recent(limit),
    },
    peers: (): PeerView[] =>
      n.peers().map((p) => ({
        id: p.id,
        name: p.name,
        producer: p.producer,
        address: p.address,
        direction: p.direction,
        agent: p.agent,
        connectedAt: p.connectedAt,
        head: p.head,
        lib: p.lib,
        bytesIn: p.bytesIn,
        bytesOut: p.bytesOut,
        score: p.score,
        rttMs: p.rttMs,
      })),
    schedules: () => n.engine.schedules(),
    p2pUrl: () => n.net.url,
  };
}
