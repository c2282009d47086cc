/**
 * `cchost node`: runs a node of a chain from its spec. The first start needs `--chain SPEC` (written
 * into the datadir as chain.json); later starts read the datadir's. With a producer key (`--producer-key`
 * hex, or `--producer-keys-file` from `cchost chain new` with `--producer NAME`) it produces on its
 * slots and votes. A chain of several producers runs on the network (`--p2pport`, `--peers`): blocks,
 * votes and certificates travel between the nodes and blocks become final by 2/3+ votes; a node
 * without a producer key follows and verifies the certificates (`--light`: headers and certificates
 * only). A schedule of one without network options is final at once, as `cchost dev`.
 */
import { readFileSync } from 'node:fs';
import { chainId } from '../chain/spec/canonical.ts';
import { base58CheckDecode } from '../crypto/base58.ts';
import { isValidPrivateKey } from '../crypto/secp256k1.ts';
import { createNode } from '../node/createNode.ts';
import type { Node, NodeConfig } from '../node/createNode.ts';
import { COMMON_OPTIONS, UsageError, defaultDatadir, optionsUsage, parseFlags, resolveSettings, rpcSettings, settingFlag, settingNumber, settingString } from '../node/config.ts';
import type { OptionSpec } from '../node/config.ts';
import { NodeErrorCode, nodeError } from '../node/errors.ts';
import { createLogger } from '../node/log.ts';
import type { LogLevel } from '../node/log.ts';
import { readDatadirSpec, readSpecFile } from '../node/specFile.ts';
import { MAX_DEV_KEYS, devKeys } from '../node/devKeys.ts';
import { fromHex, isHex, toHex } from '../util/bytes.ts';
import { CchostError } from '../util/errors.ts';

const NODE_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  ...COMMON_OPTIONS,
  chain: { kind: 'path', env: 'CCHOST_CHAIN', help: 'chain spec file (needed on the first start; later it must match the datadir)' },
  'producer-key': { kind: 'string', env: 'CCHOST_PRODUCER_KEY', help: 'producer private key (64 hex digits or WIF) of a schedule member' },
  'producer-keys-file': { kind: 'path', help: "keys file written by 'cchost chain new' (with --producer NAME)" },
  producer: { kind: 'string', help: 'producer name to take from --producer-keys-file' },
  disablewallet: { kind: 'flag', help: 'run without a wallet (wallet RPCs answer "method not found")' },
  p2pport: { kind: 'port', env: 'CCHOST_P2PPORT', help: 'P2P listen port (0 picks a free port; default: listen only with --peers or several producers, on 7790)' },
  p2pbind: { kind: 'string', env: 'CCHOST_P2PBIND', help: 'interface the P2P endpoint listens on (default 127.0.0.1)' },
  peers: { kind: 'string', env: 'CCHOST_PEERS', help: 'peers to dial, comma-separated host:port (or ws://host:port)' },
  light: { kind: 'flag', help: 'light validation: headers and certificates only; never votes or produces' },
  'node-name': { kind: 'string', help: 'P2P name of a non-producing node (default node-<key prefix>)' },
  'clock-offset': { kind: 'string', help: 'add this many ms to the clock (testing: a node off by more than 250 ms refuses to produce)' },
  'import-dev-keys': { kind: 'flag', help: "import the publicly known dev keys (as 'cchost dev' funds them) into the wallet (devnets only)" },
});

/** Default P2P port. */
export const DEFAULT_P2P_PORT = 7790;

/** Usage text of `cchost node`. */
export const NODE_USAGE = ['Usage: cchost node [--config FILE] [OPTIONS]', '', 'Runs a node of a chain.', '', 'Options:', ...optionsUsage(NODE_OPTIONS)].join('\n');

/** A private key from 64 hex digits or a WIF (of any chain: the chain's prefixes are not known yet). */
function parseKey(text: string, where: string): Uint8Array {
  const t = text.trim();
  let k: Uint8Array | undefined;
  if (isHex(t) && t.length === 64) k = fromHex(t);
  else {
    const d = base58CheckDecode(t);
    if (d.ok && (d.value.length === 33 || (d.value.length === 34 && d.value[33] === 1))) k = d.value.slice(1, 33);
  }
  if (k !== undefined && isValidPrivateKey(k)) return k;
  throw nodeError(NodeErrorCode.BAD_PRODUCER_KEY, `${where}: not a private key (64 hex digits or WIF)`);
}

function producerKeyOf(settings: ReadonlyMap<string, string | number | boolean>): Uint8Array | undefined {
  const direct = settingString(settings, 'producer-key');
  const file = settingString(settings, 'producer-keys-file');
  if (direct !== undefined && file !== undefined) throw new UsageError('give either --producer-key or --producer-keys-file, not both');
  if (direct !== undefined) return parseKey(direct, '--producer-key');
  if (file === undefined) return undefined;
  const name = settingString(settings, 'producer');
  if (name === undefined) throw new UsageError('--producer-keys-file needs --producer NAME (the entry of this node)');
  let doc: { producers?: { name?: unknown; privateKey?: unknown }[] };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (e) {
    throw nodeError(NodeErrorCode.CONFIG_INVALID, `cannot read the keys file ${file}: ${(e as Error).message}`);
  }
  const entry = (doc.producers ?? []).find((p) => p.name === name);
  if (entry === undefined || typeof entry.privateKey !== 'string') {
    throw nodeError(NodeErrorCode.BAD_PRODUCER_KEY, `the keys file ${file} has no producer '${name}' with a privateKey`);
  }
  return parseKey(entry.privateKey, `${file}: ${name}`);
}

/** Runs `cchost node` until SIGINT/SIGTERM or the `stop` RPC; returns the exit code. */
export async function runNode(argv: readonly string[]): Promise<number> {
  let settings: ReadonlyMap<string, string | number | boolean>;
  let producerKey: Uint8Array | undefined;
  try {
    const { flags, rest } = parseFlags(argv, NODE_OPTIONS);
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    settings = resolveSettings(NODE_OPTIONS, { defaults: { datadir: defaultDatadir(false) }, flags });
    producerKey = producerKeyOf(settings);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`cchost node: ${e.message}\n\n${NODE_USAGE}`);
      return 2;
    }
    console.error(`cchost node: ${(e as Error).message}`);
    return e instanceof CchostError ? 2 : 1;
  }
  const log = createLogger({ level: (settingString(settings, 'loglevel') as LogLevel | undefined) ?? 'info' });
  let node: Node;
  try {
    const chainFile = settingString(settings, 'chain');
    const offsetText = settingString(settings, 'clock-offset');
    if (offsetText !== undefined && !/^-?\d{1,9}$/.test(offsetText)) throw new UsageError(`--clock-offset takes an integer of ms, got '${offsetText}'`);
    const clockOffset = offsetText === undefined ? 0 : Number(offsetText);
    const spec = chainFile !== undefined ? readSpecFile(chainFile) : readDatadirSpec(settingString(settings, 'datadir')!);
    const peers = (settingString(settings, 'peers') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const p2pport = settingNumber(settings, 'p2pport');
    const light = settingFlag(settings, 'light');
    if (light && producerKey !== undefined) throw new UsageError('--light nodes never produce: drop the producer key or --light');
    const networked = p2pport !== undefined || peers.length > 0 || light || (spec !== undefined && spec.schedule.producers.length > 1);
    const config: NodeConfig = {
      datadir: settingString(settings, 'datadir')!,
      ...(chainFile !== undefined && spec !== undefined ? { spec } : {}),
      ...(producerKey !== undefined ? { producer: { privateKey: producerKey } } : {}),
      ...(networked
        ? {
            network: {
              listen: { host: settingString(settings, 'p2pbind') ?? '127.0.0.1', port: p2pport ?? DEFAULT_P2P_PORT },
              peers,
              light,
              ...(settingString(settings, 'node-name') !== undefined ? { name: settingString(settings, 'node-name')! } : {}),
            },
          }
        : {}),
      ...(clockOffset !== 0 ? { now: () => Date.now() + clockOffset } : {}),
      rpc: rpcSettings(settings),
      wallet: {
        enabled: !settingFlag(settings, 'disablewallet'),
        ...(settingFlag(settings, 'import-dev-keys') && spec !== undefined
          ? { importKeys: devKeys(Math.min(spec.allocations.length, MAX_DEV_KEYS), spec.prefixes).map((k) => ({ key: toHex(k.privateKey), label: `dev${k.index}` })) }
          : {}),
      },
      log,
      onStopRequested: () => void node.stop(),
    };
    node = await createNode(config);
  } catch (e) {
    console.error(`cchost node: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  console.error(
    `cchost node: chain ${node.spec.name} (${chainId(node.spec)}), RPC ${node.rpc?.url ?? 'off'}, cookie ${node.rpc?.cookieFile ?? '-'}${node.network !== undefined ? `, P2P ${node.network.net.url ?? '-'} (${node.network.engine.mode})` : ''}`,
  );
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) process.exit(130);
    log.info(`${signal} received, stopping`);
    void node.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await node.stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return 0;
}
