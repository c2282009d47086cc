/**
 * `cchost devnet init`: writes a devnet directory (layout.ts) — fresh producer keys, the shared
 * chain spec, and per node a `cchost node` config (datadir, RPC port base + 2i, P2P port base + 2i + 1,
 * every other node as a peer) and, for a producer, its key file (mode 0600). Extra full and light
 * nodes may follow the producers.
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chainId, specToJson } from '../../chain/spec/canonical.ts';
import type { ChainSpec } from '../../chain/spec/types.ts';
import { randomPrivateKey } from '../../crypto/secp256k1.ts';
import { toHex } from '../../util/bytes.ts';
import { NodeErrorCode, nodeError } from '../errors.ts';
import { MANIFEST_FILE, nodePaths, writeManifest } from './layout.ts';
import type { DevnetManifest, DevnetNode, DevnetRole } from './layout.ts';
import { devnetSpec, newDevnetProducers } from './spec.ts';

/** Default first port (RPC of node 0). */
export const DEFAULT_DEVNET_BASE_PORT = 7800;
/** Most producers a devnet may have. */
export const MAX_DEVNET_PRODUCERS = 64;

/** Options of `initDevnet`. */
export interface DevnetInitOptions {
  readonly dir: string;
  readonly producers: number;
  readonly basePort?: number;
  /** Non-producing full nodes after the producers. */
  readonly fullNodes?: number;
  /** Light nodes after those. */
  readonly lightNodes?: number;
  /** Slots per producer turn (default 12). */
  readonly turnLength?: number;
  /** Funded (publicly known) dev keys (default 10). */
  readonly fundedKeys?: number;
  /** Overwrite an existing devnet (its nodes must be down; their datadirs, of the old chain, are removed). */
  readonly force?: boolean;
  readonly genesisTimeMs?: number;
  readonly loglevel?: string;
  /** Producer key generator (tests). */
  readonly randomKey?: () => Uint8Array;
}

/** What `initDevnet` wrote. */
export interface DevnetInitResult {
  readonly manifest: DevnetManifest;
  readonly spec: ChainSpec;
}

function writeJson(path: string, value: unknown, mode = 0o644): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
  chmodSync(path, mode);
}

/** Writes the devnet (see the file comment). Example: `initDevnet({ dir: './devnet', producers: 4 })`. */
export function initDevnet(o: DevnetInitOptions): DevnetInitResult {
  if (!Number.isInteger(o.producers) || o.producers < 1 || o.producers > MAX_DEVNET_PRODUCERS) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `--producers takes 1..${MAX_DEVNET_PRODUCERS}, got ${o.producers}`);
  }
  const full = o.fullNodes ?? 0;
  const light = o.lightNodes ?? 0;
  const total = o.producers + full + light;
  const base = o.basePort ?? DEFAULT_DEVNET_BASE_PORT;
  if (!Number.isInteger(base) || base < 1 || base + 2 * total > 65535) throw nodeError(NodeErrorCode.CONFIG_INVALID, `--base-port ${base} leaves no room for ${2 * total} ports below 65536`);
  if (existsSync(join(o.dir, MANIFEST_FILE)) && o.force !== true) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `${o.dir} already holds a devnet; pass --force to overwrite it (or 'cchost devnet reset' to restart it from genesis)`, { dir: o.dir });
  }
  const producers = newDevnetProducers(o.producers, o.randomKey ?? randomPrivateKey);
  const spec = devnetSpec({
    producers,
    genesisTimeMs: o.genesisTimeMs ?? Math.floor(Date.now() / 1000) * 1000,
    ...(o.fundedKeys !== undefined ? { fundedKeys: o.fundedKeys } : {}),
    ...(o.turnLength !== undefined ? { turnLength: o.turnLength } : {}),
  });
  mkdirSync(o.dir, { recursive: true });
  writeJson(join(o.dir, 'chain.json'), specToJson(spec));
  const nodes: DevnetNode[] = [];
  for (let i = 0; i < total; i++) {
    const role: DevnetRole = i < o.producers ? 'producer' : i < o.producers + full ? 'full' : 'light';
    const name = role === 'producer' ? producers[i]!.name : `${role}${i}`;
    nodes.push({ index: i, name, role, rpcPort: base + 2 * i, p2pPort: base + 2 * i + 1 });
  }
  for (const n of nodes) {
    const p = nodePaths(o.dir, n.index);
    if (o.force === true) rmSync(p.datadir, { recursive: true, force: true });
    mkdirSync(p.datadir, { recursive: true });
    const config: Record<string, unknown> = {
      datadir: 'data',
      chain: '../chain.json',
      rpcport: n.rpcPort,
      p2pport: n.p2pPort,
      p2pbind: '127.0.0.1',
      peers: nodes
        .filter((x) => x.index !== n.index)
        .map((x) => `127.0.0.1:${x.p2pPort}`)
        .join(','),
      loglevel: o.loglevel ?? 'info',
    };
    if (n.index === 0) config['import-dev-keys'] = true; // node0's wallet can spend the funded dev keys
    if (n.role === 'producer') {
      const key = producers[n.index]!;
      writeJson(p.key, { chain: spec.name, chainId: chainId(spec), warning: 'PRIVATE KEY of this producer only', producers: [{ name: key.name, privateKey: toHex(key.privateKey) }] }, 0o600);
      config['producer-keys-file'] = 'producer.key.json';
      config['producer'] = key.name;
    } else {
      config['node-name'] = n.name;
      if (n.role === 'light') config['light'] = true;
    }
    writeJson(p.config, config);
  }
  const manifest: DevnetManifest = { version: 1, chain: spec.name, chainId: chainId(spec), basePort: base, nodes };
  writeManifest(o.dir, manifest);
  return { manifest, spec };
}
