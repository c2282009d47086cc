/**
 * `cchost devnet`: a local network of N producers (and optionally full and light nodes) on 127.0.0.1,
 * each a `cchost node` process. `init` writes the directory (keys, shared chain spec, per-node configs),
 * `up` starts the nodes and prints their RPC and P2P URLs, `status` shows head and LIB per node, `down`
 * stops them, `reset` stops them and wipes their datadirs. `cchost dev` stays the one-producer shortcut.
 */
import { DEV_KEYS_WARNING } from '../node/devKeys.ts';
import { DEFAULT_DEVNET_BASE_PORT, MAX_DEVNET_PRODUCERS, initDevnet } from '../node/devnet/init.ts';
import { nodePaths, p2pUrl, readManifest, rpcUrl } from '../node/devnet/layout.ts';
import { devnetDown, devnetReset, devnetStatus, devnetUp, nodeProcessAlive } from '../node/devnet/processes.ts';
import { expandPath } from '../node/config.ts';

/** Usage text of the command. */
export const DEVNET_USAGE = `cchost devnet init --producers N [--out DIR] [--base-port P] [--full-nodes K] [--light-nodes L]
                   [--turn-length T] [--loglevel LEVEL] [--force]
cchost devnet up [--dir|--out DIR] [--node I ...] [--timeout SECONDS]
cchost devnet status [--dir|--out DIR] [--json]
cchost devnet down [--dir|--out DIR] [--node I ...] [--timeout SECONDS]
cchost devnet reset [--dir|--out DIR]

A local network on 127.0.0.1: N producers (1..${MAX_DEVNET_PRODUCERS}) of a new chain, each a 'cchost node' process.
  init      writes DIR (default ./devnet): chain.json, devnet.json, node<i>/config.json (RPC port
            P + 2i, P2P port P + 2i + 1, peers = all other nodes), node<i>/producer.key.json (0600);
            --base-port P (default ${DEFAULT_DEVNET_BASE_PORT}); --full-nodes/--light-nodes add
            non-producing nodes; --turn-length T slots per producer turn (default 12)
  up        starts the nodes that are not running (logs in node<i>/node.log), waits for their RPC,
            prints their URLs
  status    head, proposed LIB, LIB and peers of every node
  down      SIGTERM, then SIGKILL after --timeout (default 10 s)
  reset     down, then wipes the datadirs (the chain restarts from genesis; keys and spec stay)`;

class UsageError extends Error {}

interface Parsed {
  readonly words: string[];
  readonly flags: Map<string, string[]>;
}

const VALUE_FLAGS = new Set(['--producers', '--out', '--dir', '--base-port', '--full-nodes', '--light-nodes', '--turn-length', '--loglevel', '--node', '--timeout']);
const BOOL_FLAGS = new Set(['--force', '--json']);

function parse(argv: readonly string[]): Parsed {
  const words: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (BOOL_FLAGS.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
      flags.set(name, ['true']);
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown option '${a}'`);
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), v]);
  }
  return { words, flags };
}

function one(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  if (v !== undefined && v.length > 1) throw new UsageError(`${name} given twice`);
  return v?.[0];
}

function int(p: Parsed, name: string, min: number, max: number): number | undefined {
  const v = one(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} takes an integer ${min}..${max}, got '${v}'`);
  return Number(v);
}

function allowOnly(p: Parsed, cmd: string, allowed: readonly string[]): void {
  for (const k of p.flags.keys()) if (!allowed.includes(k)) throw new UsageError(`'devnet ${cmd}' does not take ${k}`);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/** Where the command writes (tests inject their own). */
export interface DevnetIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const PROCESS_IO: DevnetIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs `cchost devnet` with `argv` (the words after `devnet`); returns the exit code (0 done, 1 failed,
 * 2 usage error). Example: `await runDevnet(['init', '--producers', '4', '--out', dir])`.
 */
export async function runDevnet(argv: readonly string[], io: DevnetIo = PROCESS_IO): Promise<number> {
  let p: Parsed;
  let cmd: string | undefined;
  try {
    p = parse(argv);
    cmd = p.words[0];
    if (p.words.length > 1) throw new UsageError(`unexpected argument '${p.words[1]}'`);
    if (cmd === undefined) throw new UsageError('name a subcommand: init, up, status, down or reset');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`cchost devnet: ${e.message}\n\n${DEVNET_USAGE}`);
    return 2;
  }
  try {
    switch (cmd) {
      case 'init':
        return init(p, io);
      case 'up':
        return await up(p, io);
      case 'status':
        return await status(p, io);
      case 'down':
        return await down(p, io);
      case 'reset': {
        allowOnly(p, 'reset', ['--dir', '--out', '--timeout']);
        const dir = expandPath(one(p, '--dir') ?? one(p, '--out') ?? 'devnet');
        const t = int(p, '--timeout', 1, 3600);
        await devnetReset(dir, t !== undefined ? { timeoutMs: t * 1000 } : {});
        io.out(`devnet ${dir}: stopped and wiped; 'cchost devnet up --dir ${dir}' starts the chain from genesis`);
        return 0;
      }
      default:
        throw new UsageError(`unknown subcommand '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cchost devnet: ${e.message}\n\n${DEVNET_USAGE}`);
      return 2;
    }
    io.err(`cchost devnet ${cmd}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function init(p: Parsed, io: DevnetIo): number {
  allowOnly(p, 'init', ['--producers', '--out', '--dir', '--base-port', '--full-nodes', '--light-nodes', '--turn-length', '--loglevel', '--force']);
  const producers = int(p, '--producers', 1, MAX_DEVNET_PRODUCERS);
  if (producers === undefined) throw new UsageError('--producers N is required');
  const dir = expandPath(one(p, '--out') ?? one(p, '--dir') ?? 'devnet');
  if (p.flags.has('--force')) {
    try {
      const m = readManifest(dir);
      const live = m.nodes.filter((n) => nodeProcessAlive(n.pid, nodePaths(dir, n.index).config));
      if (live.length > 0) throw new Error(`nodes ${live.map((n) => n.index).join(', ')} of ${dir} are running; 'cchost devnet down --dir ${dir}' first`);
    } catch (e) {
      if (e instanceof Error && e.message.includes('are running')) throw e;
    }
  }
  const basePort = int(p, '--base-port', 1, 65535);
  const full = int(p, '--full-nodes', 0, 64);
  const light = int(p, '--light-nodes', 0, 64);
  const turn = int(p, '--turn-length', 1, 1000);
  const loglevel = one(p, '--loglevel');
  const { manifest, spec } = initDevnet({
    dir,
    producers,
    ...(basePort !== undefined ? { basePort } : {}),
    ...(full !== undefined ? { fullNodes: full } : {}),
    ...(light !== undefined ? { lightNodes: light } : {}),
    ...(turn !== undefined ? { turnLength: turn } : {}),
    ...(loglevel !== undefined ? { loglevel } : {}),
    force: p.flags.has('--force'),
  });
  io.out(`devnet ${dir}: chain ${spec.name} (${manifest.chainId}), ${producers} producers${full ? `, ${full} full` : ''}${light ? `, ${light} light` : ''}`);
  io.out(table([['node', 'role', 'name', 'RPC', 'P2P'], ...manifest.nodes.map((n) => [`node${n.index}`, n.role, n.name, rpcUrl(n), p2pUrl(n)])]));
  io.out(`funded dev keys: the same as 'cchost dev' (${DEV_KEYS_WARNING})`);
  io.out(`next: cchost devnet up --dir ${dir}`);
  return 0;
}

function nodesOf(p: Parsed): number[] | undefined {
  const v = p.flags.get('--node');
  if (v === undefined) return undefined;
  return v.map((x) => {
    if (!/^\d+$/.test(x)) throw new UsageError(`--node takes a node index, got '${x}'`);
    return Number(x);
  });
}

async function up(p: Parsed, io: DevnetIo): Promise<number> {
  allowOnly(p, 'up', ['--dir', '--out', '--node', '--timeout']);
  const dir = expandPath(one(p, '--dir') ?? one(p, '--out') ?? 'devnet');
  const t = int(p, '--timeout', 1, 3600);
  const nodes = nodesOf(p);
  const started = await devnetUp(dir, { ...(nodes !== undefined ? { nodes } : {}), ...(t !== undefined ? { timeoutMs: t * 1000 } : {}) });
  io.out(
    table([
      ['node', 'role', 'name', 'pid', 'RPC', 'P2P', ''],
      ...started.map((r) => [`node${r.node.index}`, r.node.role, r.node.name, String(r.pid), rpcUrl(r.node), p2pUrl(r.node), r.started ? 'started' : 'already running']),
    ]),
  );
  io.out(`RPC cookies: ${dir}/node<i>/data/.cookie; logs: ${dir}/node<i>/node.log`);
  return 0;
}

async function status(p: Parsed, io: DevnetIo): Promise<number> {
  allowOnly(p, 'status', ['--dir', '--out', '--json']);
  const dir = expandPath(one(p, '--dir') ?? one(p, '--out') ?? 'devnet');
  const rows = await devnetStatus(dir);
  if (p.flags.has('--json')) {
    io.out(JSON.stringify(rows.map((r) => ({ node: r.node.index, name: r.node.name, role: r.node.role, running: r.running, pid: r.pid ?? null, head: r.head ?? null, proposed_lib: r.proposedLib ?? null, lib: r.lib ?? null, peers: r.peers ?? null, rpc: rpcUrl(r.node), error: r.error ?? null }))));
    return 0;
  }
  const show = (x: number | undefined): string => (x === undefined ? '-' : String(x));
  io.out(
    table([
      ['node', 'role', 'name', 'pid', 'head', 'proposed', 'lib', 'peers', 'state'],
      ...rows.map((r) => [`node${r.node.index}`, r.node.role, r.node.name, show(r.pid), show(r.head), show(r.proposedLib), show(r.lib), show(r.peers), !r.running ? 'down' : (r.error ?? 'up')]),
    ]),
  );
  return 0;
}

async function down(p: Parsed, io: DevnetIo): Promise<number> {
  allowOnly(p, 'down', ['--dir', '--out', '--node', '--timeout']);
  const dir = expandPath(one(p, '--dir') ?? one(p, '--out') ?? 'devnet');
  const t = int(p, '--timeout', 1, 3600);
  const nodes = nodesOf(p);
  const r = await devnetDown(dir, { ...(nodes !== undefined ? { nodes } : {}), ...(t !== undefined ? { timeoutMs: t * 1000 } : {}) });
  if (r.length === 0) io.out(`devnet ${dir}: no node was running`);
  for (const x of r) io.out(`node${x.node.index} (pid ${x.pid}) ${x.killed ? 'killed after the timeout' : 'stopped'}`);
  return 0;
}
