/**
 * `cchost node`: runs a node of a chain from its spec. The first start needs `--chain SPEC` (written
 * into the datadir as chain.json); later starts read the datadir's. With a producer key (`--producer-key`
 * hex, or `--producer-keys-file` from `cchost chain new` with `--producer NAME`) it produces on its
 * slots; a schedule of one is final at once. Peer networking is a later layer: a node of a
 * many-producer chain produces its own slots but cannot finalize alone.
 */
import { readFileSync } from 'node:fs';
import { chainId } from '../chain/spec/canonical.ts';
import { base58CheckDecode } from '../crypto/base58.ts';
import { isValidPrivateKey } from '../crypto/secp256k1.ts';
import { createNode } from '../node/createNode.ts';
import type { Node, NodeConfig } from '../node/createNode.ts';
import { COMMON_OPTIONS, UsageError, defaultDatadir, optionsUsage, parseFlags, resolveSettings, settingFlag, settingNumber, settingString } from '../node/config.ts';
import type { OptionSpec } from '../node/config.ts';
import { NodeErrorCode, nodeError } from '../node/errors.ts';
import { createLogger } from '../node/log.ts';
import type { LogLevel } from '../node/log.ts';
import { readSpecFile } from '../node/specFile.ts';
import { DEFAULT_RPC_PORT } from '../rpc/defaults.ts';
import { fromHex, isHex } from '../util/bytes.ts';
import { CchostError } from '../util/errors.ts';

const NODE_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  ...COMMON_OPTIONS,
  chain: { kind: 'path', env: 'CCHOST_CHAIN', help: 'chain spec file (needed on the first start; later it must match the datadir)' },
  'producer-key': { kind: 'string', env: 'CCHOST_PRODUCER_KEY', help: 'producer private key (64 hex digits or WIF) of a schedule member' },
  'producer-keys-file': { kind: 'path', help: "keys file written by 'cchost chain new' (with --producer NAME)" },
  producer: { kind: 'string', help: 'producer name to take from --producer-keys-file' },
  disablewallet: { kind: 'flag', help: 'run without a wallet (wallet RPCs answer "method not found")' },
});

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
    const config: NodeConfig = {
      datadir: settingString(settings, 'datadir')!,
      ...(chainFile !== undefined ? { spec: readSpecFile(chainFile) } : {}),
      ...(producerKey !== undefined ? { producer: { privateKey: producerKey } } : {}),
      rpc: {
        ...(settingString(settings, 'rpcbind') !== undefined ? { host: settingString(settings, 'rpcbind')! } : {}),
        port: settingNumber(settings, 'rpcport') ?? DEFAULT_RPC_PORT,
        ...(settingString(settings, 'rpcuser') !== undefined ? { user: settingString(settings, 'rpcuser')! } : {}),
        ...(settingString(settings, 'rpcpassword') !== undefined ? { password: settingString(settings, 'rpcpassword')! } : {}),
      },
      wallet: { enabled: !settingFlag(settings, 'disablewallet') },
      log,
      onStopRequested: () => void node.stop(),
    };
    node = await createNode(config);
  } catch (e) {
    console.error(`cchost node: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const producers = node.spec.schedule.producers.length;
  console.error(`cchost node: chain ${node.spec.name} (${chainId(node.spec)}), RPC ${node.rpc?.url ?? 'off'}, cookie ${node.rpc?.cookieFile ?? '-'}`);
  if (node.producer !== undefined && producers > 1) {
    log.warn('this chain has several producers and peer networking is not implemented yet: blocks are produced on this node\'s slots but not finalized');
  }
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
