/**
 * Running a devnet's nodes: `up` starts each node that is not running as a detached
 * `cchost node --config DIR/node<i>/config.json` process (log in DIR/node<i>/node.log, pid in the
 * manifest) and waits until every RPC server answers; `status` asks each node for its head, LIB and
 * peers; `down` sends SIGTERM and, after a timeout, SIGKILL; `reset` is down plus wiping the datadirs
 * (the chain spec, keys and configs stay, so the next `up` starts the same chain from genesis).
 *
 * A pid is only signalled while its command line still names the node's config file, so a recycled
 * pid of another program is never touched.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRpcClient } from '../../rpc/client.ts';
import { NODE_RUNTIME_FLAGS } from '../runtimeFlags.ts';
import { processAlive } from '../../store/lock.ts';
import { nodePaths, readManifest, rpcUrl, writeManifest } from './layout.ts';
import type { DevnetManifest, DevnetNode } from './layout.ts';

/** The `cchost` launcher next to the sources. */
export const CCHOST_BIN = fileURLToPath(new URL('../../../bin/cchost.mjs', import.meta.url));

/** True when `pid` is alive and still the node process of `configPath` (Linux checks the command line). */
export function nodeProcessAlive(pid: number | undefined, configPath: string): boolean {
  if (pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return false;
  if (!processAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(configPath);
  } catch {
    return true; // no /proc: trust the manifest
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function selected(m: DevnetManifest, only: readonly number[] | undefined): DevnetNode[] {
  return only === undefined ? [...m.nodes] : m.nodes.filter((n) => only.includes(n.index));
}

function withPids(m: DevnetManifest, pids: ReadonlyMap<number, number | undefined>): DevnetManifest {
  return { ...m, nodes: m.nodes.map((n) => (pids.has(n.index) ? { ...n, pid: pids.get(n.index) } : n)) };
}

/** What a node answered (or why not). */
export interface NodeStatus {
  readonly node: DevnetNode;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** From getblockchaininfo, when the RPC answered. */
  readonly head?: number;
  readonly lib?: number;
  readonly proposedLib?: number;
  readonly peers?: number;
  readonly mode?: string;
  readonly error?: string;
}

/** Asks node `n` of `dir` for getblockchaininfo (short timeout). */
export async function queryNode(dir: string, n: DevnetNode, timeoutMs = 2000): Promise<Omit<NodeStatus, 'node' | 'running' | 'pid'>> {
  const p = nodePaths(dir, n.index);
  if (!existsSync(p.cookie)) return { error: 'no RPC cookie yet' };
  try {
    const rpc = createRpcClient({ url: rpcUrl(n), cookieFile: p.cookie, timeoutMs });
    const info = await rpc.call<{ blocks: number; lastirreversible: number; finality?: { proposed_lib?: { height: number }; peers?: number; mode?: string } }>('getblockchaininfo', []);
    return {
      head: info.blocks,
      lib: info.lastirreversible,
      ...(info.finality?.proposed_lib !== undefined ? { proposedLib: info.finality.proposed_lib.height } : {}),
      ...(info.finality?.peers !== undefined ? { peers: info.finality.peers } : {}),
      ...(info.finality?.mode !== undefined ? { mode: info.finality.mode } : {}),
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Options of `devnetUp`. */
export interface UpOptions {
  /** Only these node indexes (default all). */
  readonly nodes?: readonly number[];
  /** How long to wait for the RPC servers (default 60 s). */
  readonly timeoutMs?: number;
  /** Extra environment for the node processes. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `cchost node` arguments (e.g. ['--clock-offset', '1000']). */
  readonly args?: readonly string[];
}

/** What `devnetUp` did per node. */
export interface UpResult {
  readonly node: DevnetNode;
  readonly pid: number;
  readonly started: boolean;
}

function logTail(path: string, lines = 5): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts the nodes that are not running and waits until every selected node's RPC answers.
 * Throws (naming the node and the end of its log) when a node exits or does not answer in time.
 */
export async function devnetUp(dir: string, o: UpOptions = {}): Promise<UpResult[]> {
  const m = readManifest(dir);
  const pids = new Map<number, number | undefined>();
  const out: UpResult[] = [];
  for (const n of selected(m, o.nodes)) {
    const p = nodePaths(dir, n.index);
    if (nodeProcessAlive(n.pid, p.config)) {
      out.push({ node: n, pid: n.pid!, started: false });
      continue;
    }
    rmSync(p.cookie, { force: true }); // a killed node leaves its cookie behind: wait for the new one
    const fd = openSync(p.log, 'a');
    const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, CCHOST_BIN, 'node', '--config', p.config, ...(o.args ?? [])], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...o.env },
    });
    closeSync(fd);
    child.unref();
    if (child.pid === undefined) throw new Error(`node${n.index} could not be started`);
    pids.set(n.index, child.pid);
    out.push({ node: n, pid: child.pid, started: true });
  }
  writeManifest(dir, withPids(readManifest(dir), pids));
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (const r of out) {
    const p = nodePaths(dir, r.node.index);
    for (;;) {
      if (!nodeProcessAlive(r.pid, p.config)) throw new Error(`node${r.node.index} (${r.node.name}) exited; its log ends with:\n${logTail(p.log)}`);
      const q = await queryNode(dir, r.node, 1000);
      if (q.error === undefined) break;
      if (Date.now() > deadline) throw new Error(`node${r.node.index} (${r.node.name}) RPC did not answer at ${rpcUrl(r.node)}: ${q.error}; its log ends with:\n${logTail(p.log)}`);
      await sleep(200);
    }
  }
  return out;
}

/** The status of every node. */
export async function devnetStatus(dir: string): Promise<NodeStatus[]> {
  const m = readManifest(dir);
  return Promise.all(
    m.nodes.map(async (n) => {
      const running = nodeProcessAlive(n.pid, nodePaths(dir, n.index).config);
      if (!running) return { node: n, running, pid: undefined };
      return { node: n, running, pid: n.pid, ...(await queryNode(dir, n)) };
    }),
  );
}

/** Options of `devnetDown`. */
export interface DownOptions {
  readonly nodes?: readonly number[];
  /** Time after SIGTERM before SIGKILL (default 10 s). */
  readonly timeoutMs?: number;
}

/** Stops the selected running nodes; returns what was signalled and how each ended. */
export async function devnetDown(dir: string, o: DownOptions = {}): Promise<{ node: DevnetNode; pid: number; killed: boolean }[]> {
  const m = readManifest(dir);
  const running: { node: DevnetNode; pid: number; config: string }[] = [];
  for (const n of selected(m, o.nodes)) {
    const config = nodePaths(dir, n.index).config;
    if (!nodeProcessAlive(n.pid, config)) continue;
    running.push({ node: n, pid: n.pid!, config });
    try {
      process.kill(n.pid!, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  while (running.some((r) => nodeProcessAlive(r.pid, r.config)) && Date.now() < deadline) await sleep(100);
  const out: { node: DevnetNode; pid: number; killed: boolean }[] = [];
  for (const r of running) {
    const alive = nodeProcessAlive(r.pid, r.config);
    if (alive) {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    out.push({ node: r.node, pid: r.pid, killed: alive });
  }
  const cleared = new Map<number, number | undefined>(selected(m, o.nodes).map((n) => [n.index, undefined]));
  writeManifest(dir, withPids(readManifest(dir), cleared));
  return out;
}

/** Down, then wipes every node's datadir and log (the spec, keys and configs stay). */
export async function devnetReset(dir: string, o: Omit<DownOptions, 'nodes'> = {}): Promise<void> {
  await devnetDown(dir, o);
  const m = readManifest(dir);
  for (const n of m.nodes) {
    const p = nodePaths(dir, n.index);
    rmSync(p.datadir, { recursive: true, force: true });
    rmSync(p.log, { force: true });
  }
}
