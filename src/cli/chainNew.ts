/**
 * `cchost chain new`: writes a chain spec file (and, when it generates producer keys, a keys file
 * with mode 0600 beside it). The spec is validated with `parseChainSpec` before anything is written.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { addressFromPubkey } from '../crypto/address.ts';
import { encodeWif } from '../crypto/keys.ts';
import { publicKeyFromPrivate, randomPrivateKey, xOnlyPublicKeyFromPrivate } from '../crypto/secp256k1.ts';
import { toHex } from '../util/bytes.ts';
import { BUILTIN_MODULE_CODES } from '../chain/params.ts';
import { chainId, specToJson } from '../chain/spec/canonical.ts';
import { DEV_MODULES } from '../chain/spec/defaults.ts';
import { parseChainSpec } from '../chain/spec/parse.ts';

/** Usage text of the command. */
export const CHAIN_NEW_USAGE = `cchost chain new --name NAME [--producers N | --producer-key [NAME=]HEX ...]
                 [--allocate ADDRESS=COINS ...] [--genesis-time MS|ISO-8601]
                 [--modules all|none|NAME,NAME...] [--out FILE] [--force]

Writes a chain spec (JSON) for a new chain and prints its chain id.
  --name NAME            chain name (letters, digits, . _ -)
  --producers N          generate N producer keys (default 1); they go to a keys file (mode 0600)
  --producer-key KEY     an existing producer's 32-byte x-only key (64 hex digits), optionally
                         named: alice=KEY (default names producer1, producer2, ...); repeatable
  --allocate A=COINS     genesis allocation of COINS (decimal string) to address A; repeatable
  --genesis-time T       slot clock origin, unix ms or ISO-8601 (default: now, rounded to the second)
  --modules LIST         built-in modules to enable at block 0 (default: all)
  --out FILE             spec file to write (default: NAME.chain.json); keys go to FILE with
                         .json replaced by .keys.json
  --force                overwrite existing files`;

/** What the command touches outside itself (injected so tests run without a disk or a clock). */
export interface ChainNewIo {
  out(line: string): void;
  err(line: string): void;
  exists(path: string): boolean;
  /** Writes a file, creating it with `mode`; overwrites only when `overwrite`. */
  writeFile(path: string, data: string, mode: number, overwrite: boolean): void;
  now(): number;
  randomPrivateKey(): Uint8Array;
}

/** The real file system, clock and key generator. */
export const nodeChainNewIo: ChainNewIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exists: (path) => existsSync(path),
  writeFile: (path, data, mode, overwrite) => {
    writeFileSync(path, data, { mode, flag: overwrite ? 'w' : 'wx' });
    chmodSync(path, mode); // an overwritten file keeps its old mode otherwise
  },
  now: () => Date.now(),
  randomPrivateKey,
};

interface Options {
  name?: string;
  producers?: number;
  producerKeys: { name?: string; key: string }[];
  allocations: { address: string; amount: string }[];
  genesisTimeMs?: number;
  modules?: string;
  out?: string;
  force: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const o: Options = { producerKeys: [], allocations: [], force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--name':
        o.name = value();
        break;
      case '--producers': {
        const v = value();
        if (!/^[1-9][0-9]*$/.test(v) || Number(v) > 64) throw new UsageError(`--producers takes a count 1..64, got '${v}'`);
        o.producers = Number(v);
        break;
      }
      case '--producer-key': {
        const v = value();
        const at = v.indexOf('=');
        o.producerKeys.push(at > 0 ? { name: v.slice(0, at), key: v.slice(at + 1) } : { key: v });
        break;
      }
      case '--allocate': {
        const v = value();
        const at = v.lastIndexOf('=');
        if (at <= 0) throw new UsageError(`--allocate takes ADDRESS=COINS, got '${v}'`);
        o.allocations.push({ address: v.slice(0, at), amount: v.slice(at + 1) });
        break;
      }
      case '--genesis-time': {
        const v = value();
        const ms = /^[0-9]+$/.test(v) ? Number(v) : Date.parse(v);
        if (!Number.isSafeInteger(ms) || ms < 0) throw new UsageError(`--genesis-time takes unix ms or an ISO-8601 time, got '${v}'`);
        o.genesisTimeMs = ms;
        break;
      }
      case '--modules':
        o.modules = value();
        break;
      case '--out':
        o.out = value();
        break;
      case '--force':
        o.force = true;
        break;
      default:
        throw new UsageError(`unknown option '${a}'`);
    }
  }
  return o;
}

function selectModules(list: string | undefined): typeof DEV_MODULES {
  if (list === undefined || list === 'all') return DEV_MODULES;
  if (list === 'none') return [];
  const names = list.split(',').map((s) => s.trim());
  for (const n of names) {
    if (BUILTIN_MODULE_CODES[n] === undefined) {
      throw new UsageError(`--modules: '${n}' is not a built-in module (${Object.keys(BUILTIN_MODULE_CODES).join(', ')}); add your own modules to the spec file`);
    }
  }
  return DEV_MODULES.filter((m) => names.includes(m.name));
}

function keysPath(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.keys.json` : `${out}.keys.json`;
}

/**
 * Runs `cchost chain new` with `argv` (the arguments after `chain new`); returns the exit code
 * (0 written, 1 invalid spec or write failure, 2 usage error).
 * Example: `await runChainNew(['--name', 'demo', '--producers', '4'])`.
 */
export async function runChainNew(argv: string[], io: ChainNewIo = nodeChainNewIo): Promise<number> {
  let o: Options;
  let modules: typeof DEV_MODULES;
  try {
    o = parseArgs(argv);
    modules = selectModules(o.modules);
    if (o.name === undefined) throw new UsageError('--name is required');
    if (o.producers !== undefined && o.producerKeys.length > 0) throw new UsageError('give either --producers N or --producer-key, not both');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`cchost chain new: ${e.message}\n\n${CHAIN_NEW_USAGE}`);
    return 2;
  }

  const generated: { name: string; privateKey: Uint8Array }[] = [];
  let producers: { name: string; key: string }[];
  if (o.producerKeys.length > 0) {
    producers = o.producerKeys.map((p, i) => ({ name: p.name ?? `producer${i + 1}`, key: p.key }));
  } else {
    const n = o.producers ?? 1;
    const width = String(n).length;
    for (let i = 1; i <= n; i++) generated.push({ name: `producer${String(i).padStart(width, '0')}`, privateKey: io.randomPrivateKey() });
    producers = generated.map((g) => ({ name: g.name, key: toHex(xOnlyPublicKeyFromPrivate(g.privateKey)) }));
  }
  producers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const json = {
    name: o.name,
    version: 1,
    genesisTimeMs: o.genesisTimeMs ?? Math.floor(io.now() / 1000) * 1000,
    allocations: o.allocations,
    producers,
    cc: { enabled: true, activationHeight: 0, modules },
  };
  const parsed = parseChainSpec(json);
  if (!parsed.ok) {
    const problems = (parsed.error['errors'] as { message: string }[] | undefined) ?? [parsed.error];
    io.err('cchost chain new: the spec would be invalid:');
    for (const p of problems) io.err(`  - ${p.message}`);
    return 1;
  }
  const spec = parsed.value;
  const out = o.out ?? `${spec.name}.chain.json`;
  const keysFile = keysPath(out);
  const targets = generated.length > 0 ? [out, keysFile] : [out];
  if (!o.force) {
    const existing = targets.filter((t) => io.exists(t));
    if (existing.length > 0) {
      io.err(`cchost chain new: ${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite or choose --out`);
      return 1;
    }
  }
  let keysWritten = false;
  try {
    if (generated.length > 0) {
      const keys = generated.map((g) => {
        const pub = publicKeyFromPrivate(g.privateKey, true);
        return {
          name: g.name,
          key: toHex(xOnlyPublicKeyFromPrivate(g.privateKey)),
          privateKey: toHex(g.privateKey),
          wif: encodeWif(g.privateKey, true, spec.prefixes),
          address: addressFromPubkey(pub, spec.prefixes),
        };
      });
      const doc = { chain: spec.name, chainId: chainId(spec), warning: 'PRIVATE KEYS: give each producer only its own entry; never commit or share this file', producers: keys };
      io.writeFile(keysFile, `${JSON.stringify(doc, null, 2)}\n`, 0o600, o.force);
      keysWritten = true;
    }
    io.writeFile(out, `${JSON.stringify(specToJson(spec), null, 2)}\n`, 0o644, o.force);
  } catch (e) {
    io.err(`cchost chain new: cannot write: ${e instanceof Error ? e.message : String(e)}`);
    if (keysWritten) io.err(`note: ${keysFile} was written; delete it or rerun with --force once the problem is fixed`);
    return 1;
  }
  io.out(`chain ${spec.name}`);
  io.out(`chain id ${chainId(spec)}`);
  io.out(`spec written to ${out}`);
  if (generated.length > 0) {
    io.out(`producer keys written to ${keysFile} (mode 0600)`);
    io.err(`warning: ${keysFile} holds the private keys of ${generated.length} producer${generated.length > 1 ? 's' : ''}; keep it secret and give each producer only its own key`);
  }
  return 0;
}
