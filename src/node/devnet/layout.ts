/**
 * A devnet directory (`cchost devnet init --out DIR`):
 *
 *   DIR/chain.json               the shared chain spec
 *   DIR/devnet.json              the manifest: nodes, roles, ports, and the pids `up` started
 *   DIR/node<i>/config.json      `cchost node --config` file: datadir, ports, peers, producer key file
 *   DIR/node<i>/producer.key.json  the node's producer key (mode 0600; producers only)
 *   DIR/node<i>/data/            the node's datadir (chain.sqlite, wallet, cookie)
 *   DIR/node<i>/node.log         the node's log
 *
 * Node i listens for RPC on base + 2i and for P2P on base + 2i + 1, on 127.0.0.1, and dials every
 * other node.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeErrorCode, nodeError } from '../errors.ts';

/** A node's role in the devnet. */
export type DevnetRole = 'producer' | 'full' | 'light';

/** One node of the manifest. */
export interface DevnetNode {
  readonly index: number;
  /** Producer name (producers) or P2P node name. */
  readonly name: string;
  readonly role: DevnetRole;
  readonly rpcPort: number;
  readonly p2pPort: number;
  /** Pid of the running process (set by `up`, cleared by `down`). */
  readonly pid?: number | undefined;
}

/** DIR/devnet.json. */
export interface DevnetManifest {
  readonly version: 1;
  readonly chain: string;
  readonly chainId: string;
  readonly basePort: number;
  readonly nodes: readonly DevnetNode[];
}

/** Name of the manifest file. */
export const MANIFEST_FILE = 'devnet.json';

/** Paths of node `i` in `dir`. */
export function nodePaths(dir: string, i: number): { dir: string; config: string; key: string; datadir: string; log: string; cookie: string } {
  const d = join(dir, `node${i}`);
  const datadir = join(d, 'data');
  return { dir: d, config: join(d, 'config.json'), key: join(d, 'producer.key.json'), datadir, log: join(d, 'node.log'), cookie: join(datadir, '.cookie') };
}

/** RPC URL of a node. */
export function rpcUrl(n: DevnetNode): string {
  return `http://127.0.0.1:${n.rpcPort}/`;
}

/** P2P URL of a node. */
export function p2pUrl(n: DevnetNode): string {
  return `ws://127.0.0.1:${n.p2pPort}`;
}

/** Reads DIR/devnet.json; NODE_CONFIG_INVALID when it is missing or unreadable. */
export function readManifest(dir: string): DevnetManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw nodeError(NodeErrorCode.CONFIG_INVALID, `${dir} is not a devnet (no ${MANIFEST_FILE}); create one with 'cchost devnet init --producers 4 --out ${dir}'`, { dir });
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as DevnetManifest;
    if (m.version !== 1 || !Array.isArray(m.nodes)) throw new Error('unknown format');
    return m;
  } catch (e) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `cannot read ${path}: ${(e as Error).message}`, { dir });
  }
}

/** Writes DIR/devnet.json atomically. */
export function writeManifest(dir: string, m: DevnetManifest): void {
  const path = join(dir, MANIFEST_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`);
  renameSync(tmp, path);
}
