/**
 * The `cchost` command line. Each command is declared once in `COMMANDS`; `cchost --help` and
 * `cchost help COMMAND` are generated from the table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDatadir } from '../node/config.ts';
import { RPC_CLI_USAGE, runRpcCli } from '../rpc/cli.ts';
import type { RpcCliDefaults } from '../rpc/cli.ts';
import { CHAIN_NEW_USAGE, runChainNew } from './chainNew.ts';
import { DEV_USAGE, runDev } from './dev.ts';
import { DEVNET_USAGE, runDevnet } from './devnet.ts';
import { NODE_USAGE, runNode } from './node.ts';

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly run: (args: string[]) => Promise<number>;
  /** The command parses its own `--help` (its arguments may legitimately contain it). */
  readonly ownHelp?: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMANDS: Record<string, Command> = {
  dev: {
    summary: 'start a one-producer dev chain with funded, publicly known keys (npm start)',
    usage: DEV_USAGE,
    run: (args) => runDev(args),
  },
  devnet: {
    summary: 'a local network of N producer processes: cchost devnet init --producers 4 --out DIR; up; status; down; reset',
    usage: DEVNET_USAGE,
    run: (args) => runDevnet(args),
  },
  node: {
    summary: 'run a node of a chain: cchost node --chain SPEC [--producer-key KEY] (or --config FILE)',
    usage: NODE_USAGE,
    run: (args) => runNode(args),
  },
  chain: {
    summary: 'create a chain spec: cchost chain new --name NAME [--producers N]',
    usage: CHAIN_NEW_USAGE,
    run: async (args) => {
      if (args[0] === 'new') return runChainNew(args.slice(1));
      console.error(`cchost chain: unknown subcommand '${args[0] ?? ''}'; use 'cchost chain new' (see 'cchost help chain')`);
      return 2;
    },
  },
  rpc: {
    summary: 'call a JSON-RPC method of a running node (bitcoin-cli style)',
    usage: RPC_CLI_USAGE,
    run: (args) => runRpcCli(args, {}, rpcDefaults()),
    ownHelp: true,
  },
  version: {
    summary: 'print the cchost version',
    usage: 'cchost version',
    run: async () => {
      console.log(`cchost ${version()}`);
      return 0;
    },
  },
  help: {
    summary: 'show help for cchost or one command',
    usage: 'cchost help [COMMAND]',
    run: async (args) => {
      const name = args[0];
      if (name === undefined) {
        console.log(usage());
        return 0;
      }
      const cmd = COMMANDS[name];
      if (cmd === undefined) {
        console.error(`cchost: unknown command '${name}'. Run 'cchost --help' for the list.`);
        return 2;
      }
      console.log(`${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    },
  },
};

/**
 * `cchost rpc` looks for the cookie in ~/.cchost; when only a dev node (~/.cchost/dev) is running, it
 * uses that one, so `cchost rpc getblockcount` just works next to `cchost dev` (--datadir and
 * CCHOST_DATADIR still win).
 */
function rpcDefaults(): Partial<RpcCliDefaults> {
  const node = defaultDatadir(false);
  const dev = defaultDatadir(true);
  return !existsSync(join(node, '.cookie')) && existsSync(join(dev, '.cookie')) ? { datadir: dev } : {};
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    `cchost ${version()}: a node for dApp asset chains (UTXO + crypto-condition modules + aBFT finality)`,
    '',
    'Usage: cchost COMMAND [ARGS...]',
    '',
    'Commands:',
    ...lines,
    '',
    "Run 'cchost help COMMAND' for a command's options.",
  ].join('\n');
}

/** Runs the CLI with `argv` (without the node and script paths) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    console.log(usage());
    return 0;
  }
  if (first === '--version' || first === '-V') return COMMANDS['version']!.run([]);
  const cmd = COMMANDS[first];
  if (cmd === undefined) {
    console.error(`cchost: unknown command '${first}'. Run 'cchost --help' for the list.`);
    return 2;
  }
  if (!cmd.ownHelp && (rest.includes('--help') || rest.includes('-h'))) return COMMANDS['help']!.run([first]);
  return cmd.run(rest);
}
