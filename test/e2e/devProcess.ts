/**
 * End-to-end helpers: `cchost dev` as a child process (`node bin/cchost.mjs dev --datadir <dir>
 * --rpcport 0 --print-json --keys N`), its JSON line (RPC URL, cookie, funded keys), and killing
 * whatever is still running when a test ends. Loopback only.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** The JSON line `cchost dev --print-json` writes to stdout once it serves RPC. */
export interface DevLine {
  readonly rpcUrl: string;
  readonly cookieFile: string;
  readonly datadir: string;
  readonly chainId: string;
  readonly keys: readonly { readonly address: string; readonly wif: string; readonly privateKey: string }[];
}

/** How a child process ended. */
export interface DevExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A spawned `cchost dev` (its output so far, and its exit). */
export interface SpawnedDev {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exit: Promise<DevExit>;
}

/** A `cchost dev` that has printed its JSON line. */
export interface StartedDev extends SpawnedDev {
  readonly line: DevLine;
}

/** Options of `spawnDev` / `startDev`. */
export interface DevOptions {
  /** Funded dev keys (`--keys`, default 3). */
  readonly keys?: number;
  /** More command-line arguments. */
  readonly extra?: readonly string[];
  /** Keep only the last this many characters of stderr (default: all of it). */
  readonly stderrTail?: number;
}

/** Spawns `cchost dev` on `datadir` and adds the child to `children`. Example: `const s = spawnDev(dir, children); await s.exit`. */
export function spawnDev(datadir: string, children: Set<ChildProcess>, o: DevOptions = {}): SpawnedDev {
  const args = ['bin/cchost.mjs', 'dev', '--datadir', datadir, '--rpcport', '0', '--print-json', '--keys', String(o.keys ?? 3), ...(o.extra ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CCHOST_LOGLEVEL: 'warn' } });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (o.stderrTail !== undefined) err = err.slice(-o.stderrTail);
  });
  const exit = new Promise<DevExit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Spawns `cchost dev` and waits (up to 30 s) for its JSON line. Example: `const { line } = await startDev(dir, children)`. */
export async function startDev(datadir: string, children: Set<ChildProcess>, o: DevOptions = {}): Promise<StartedDev> {
  const s = spawnDev(datadir, children, o);
  const deadline = Date.now() + 30_000;
  while (!s.stdout().includes('\n')) {
    if (s.child.exitCode !== null) throw new Error(`cchost dev exited ${s.child.exitCode}: ${s.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no JSON line from cchost dev within 30 s: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...s, line: JSON.parse(s.stdout().split('\n')[0]!) as DevLine };
}

/** SIGKILLs every child of `children` that is still running. */
export function killRunning(children: Iterable<ChildProcess>): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
