/**
 * `cchost dev`: a one-producer chain in a fresh or reused datadir. It funds N deterministic keys
 * (printed with a warning: they are publicly known), produces a block every slot (0.5 s) with instant
 * finality, and serves RPC. Human text goes to stdout, or to stderr with `--print-json`, which prints
 * one JSON line for scripts on stdout instead: `{"rpcUrl", "cookieFile", "datadir", "chainId", "keys"}`.
 * Ctrl-C (SIGINT) or SIGTERM shut it down cleanly: RPC closed, cookie removed, store and lock released.
 */
import { chainId } from '../chain/spec/canonical.ts';
import { formatCoins } from '../chain/spec/amount.ts';
import { createNode } from '../node/createNode.ts';
import type { Node } from '../node/createNode.ts';
import { COMMON_OPTIONS, UsageError, defaultDatadir, optionsUsage, parseFlags, resolveSettings, rpcSettings, settingFlag, settingNumber, settingString } from '../node/config.ts';
import type { OptionSpec } from '../node/config.ts';
import { devChainFor, resetDatadir } from '../node/devChain.ts';
import { DEFAULT_DEV_KEYS, DEV_KEYS_WARNING, MAX_DEV_KEYS, devKeyFunding, devKeyJson, devProducerKey, devWalletSeed } from '../node/devKeys.ts';
import { createLogger } from '../node/log.ts';
import type { LogLevel } from '../node/log.ts';
import { toHex } from '../util/bytes.ts';
import { CchostError } from '../util/errors.ts';

const DEV_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  ...COMMON_OPTIONS,
  datadir: { kind: 'path', env: 'CCHOST_DATADIR', help: 'data directory (default ~/.cchost/dev)' },
  keys: { kind: 'count', min: 1, max: MAX_DEV_KEYS, help: `funded keys of a new chain (default ${DEFAULT_DEV_KEYS})` },
  reset: { kind: 'flag', help: 'wipe the datadir first (only if it holds nothing but cchost files)', cliOnly: true },
  'print-json': { kind: 'flag', help: 'print one JSON line for scripts on stdout (human text goes to stderr)', cliOnly: true },
});

/** Usage text of `cchost dev`. */
export const DEV_USAGE = ['Usage: cchost dev [OPTIONS]', '', 'Starts a one-producer dev chain with funded, publicly known keys.', '', 'Options:', ...optionsUsage(DEV_OPTIONS)].join('\n');

/** Where the command writes and what it reacts to (tests inject their own). */
export interface DevIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  readonly onSignal: (handler: (signal: string) => void) => () => void;
  readonly now: () => number;
}

function processIo(): DevIo {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    onSignal: (h) => {
      process.on('SIGINT', h);
      process.on('SIGTERM', h);
      return () => {
        process.off('SIGINT', h);
        process.off('SIGTERM', h);
      };
    },
    now: Date.now,
  };
}

function banner(node: Node, reused: boolean, keys: ReturnType<typeof devChainFor>['keys']): string {
  const rpc = node.rpc!;
  const perKey = formatCoins(devKeyFunding(keys.length)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const datadirArg = node.datadir.includes(' ') ? `"${node.datadir}"` : node.datadir;
  const lines = [
    `cchost dev: chain ${node.spec.name} (${chainId(node.spec)})`,
    `  datadir  ${node.datadir} (${reused ? 'reused' : 'new'}; height ${node.ctx.tip().height})`,
    `  RPC      ${rpc.url}   (JSON-RPC POST /, REST /v1/chain/info, OpenAPI /openapi.json, /health)`,
    `  cookie   ${rpc.cookieFile ?? '(none: rpcuser/rpcpassword)'}`,
    `  blocks   one every ${node.spec.slotMs} ms, final at once (single producer)`,
    '',
    `Funded keys (${perKey} coins each at genesis; imported into the node's wallet):`,
    ...keys.map((k) => `  #${String(k.index).padEnd(3)} ${k.address}  WIF ${k.wif}`),
    '',
    `!!! ${DEV_KEYS_WARNING} !!!`,
    '',
    'Try:',
    `  cchost rpc --datadir ${datadirArg} --rpcport ${rpc.port} getblockchaininfo`,
    `  cchost rpc --datadir ${datadirArg} --rpcport ${rpc.port} sendtoaddress ${keys[1]?.address ?? keys[0]!.address} 12.5`,
    `  curl --user "$(cat ${rpc.cookieFile ?? `${datadirArg}/.cookie`})" ${rpc.url}v1/chain/info`,
    '',
    'Ctrl-C stops the node.',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `cchost dev` with `argv` (the words after `dev`) until SIGINT/SIGTERM or the `stop` RPC;
 * returns the exit code (0 clean stop, 1 start failure, 2 usage error).
 */
export async function runDev(argv: readonly string[], ioOverride: Partial<DevIo> = {}): Promise<number> {
  const io: DevIo = { ...processIo(), ...ioOverride };
  let settings: ReadonlyMap<string, string | number | boolean>;
  try {
    const { flags, rest } = parseFlags(argv, DEV_OPTIONS);
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    settings = resolveSettings(DEV_OPTIONS, { defaults: { datadir: defaultDatadir(true) }, env: io.env, flags });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`cchost dev: ${e.message}\n\n${DEV_USAGE}\n`);
      return 2;
    }
    io.stderr(`cchost dev: ${(e as Error).message}\n`);
    return e instanceof CchostError ? 2 : 1;
  }
  const printJson = settingFlag(settings, 'print-json');
  const human = printJson ? io.stderr : io.stdout;
  const datadir = settingString(settings, 'datadir')!;
  const log = createLogger({ level: (settingString(settings, 'loglevel') as LogLevel | undefined) ?? 'info', sink: { write: (l) => io.stderr(l), isTTY: process.stderr.isTTY } });

  let node: Node;
  let reused: boolean;
  let keys: ReturnType<typeof devChainFor>['keys'];
  try {
    if (settingFlag(settings, 'reset')) {
      const removed = resetDatadir(datadir);
      if (removed.length > 0) human(`cchost dev: reset ${datadir} (${removed.length} files removed)\n`);
    }
    const requested = settingNumber(settings, 'keys');
    const dev = devChainFor(datadir, requested ?? DEFAULT_DEV_KEYS, io.now());
    reused = dev.reused;
    keys = dev.keys;
    if (dev.reused && requested !== undefined && requested !== dev.keys.length) {
      human(`cchost dev: note: ${datadir} was created with ${dev.keys.length} funded keys; --keys ${requested} applies to a new chain (add --reset)\n`);
    }
    const producerKey = devProducerKey();
    node = await createNode({
      datadir,
      spec: dev.spec,
      producer: { privateKey: producerKey },
      rpc: rpcSettings(settings),
      wallet: {
        seed: devWalletSeed(),
        importKeys: [...dev.keys.map((k) => ({ key: toHex(k.privateKey), label: `dev${k.index}` })), { key: toHex(producerKey), label: 'producer' }],
      },
      log,
      onStopRequested: () => void node.stop(),
    });
  } catch (e) {
    io.stderr(`cchost dev: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }

  human(banner(node, reused, keys));
  if (printJson) {
    const rpc = node.rpc!;
    io.stdout(`${JSON.stringify({ rpcUrl: rpc.url, cookieFile: rpc.cookieFile ?? null, datadir, chainId: chainId(node.spec), keys: keys.map(devKeyJson) })}\n`);
  }

  let signals = 0;
  const off = io.onSignal((signal) => {
    signals++;
    if (signals === 1) {
      human(`\ncchost dev: ${signal} received, stopping (again to force)\n`);
      void node.stop();
    } else {
      io.stderr('cchost dev: forced exit\n');
      process.exit(130);
    }
  });
  await node.stopped;
  off();
  return 0;
}
