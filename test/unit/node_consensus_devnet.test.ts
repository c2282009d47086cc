/**
 * `cchost devnet` without processes: init writes the shared spec, per-node configs with
 * port = base + 2i (RPC) and base + 2i + 1 (P2P), all other nodes as peers, and 0600 producer key
 * files whose keys are the schedule's; a second init needs --force; status and down of a stopped
 * devnet; reset wipes datadirs and keeps the spec; usage errors exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDevnet } from '../../src/cli/devnet.ts';
import { chainId } from '../../src/chain/spec/canonical.ts';
import { parseChainSpecText } from '../../src/chain/spec/parse.ts';
import { xOnlyPublicKeyFromPrivate } from '../../src/crypto/secp256k1.ts';
import { nodePaths, readManifest } from '../../src/node/devnet/layout.ts';
import { fromHex, toHex } from '../../src/util/bytes.ts';

function io(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

test('devnet init writes the spec, per-node configs (ports base+2i / base+2i+1, every other node a peer) and 0600 producer keys of the schedule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cchost-devnet-unit-'));
  try {
    const o = io();
    assert.equal(await runDevnet(['init', '--producers', '4', '--full-nodes', '1', '--light-nodes', '1', '--out', dir, '--base-port', '41000'], o.io), 0, o.err.join('\n'));
    const spec = parseChainSpecText(readFileSync(join(dir, 'chain.json'), 'utf8'));
    assert.ok(spec.ok);
    assert.deepEqual(
      spec.value.schedule.producers.map((p) => p.name),
      ['producer0', 'producer1', 'producer2', 'producer3'],
    );
    assert.equal(spec.value.cc.modules.length, 0, 'no modules: every node runs without module code');
    const schedule = spec.value.schedule;
    const m = readManifest(dir);
    assert.equal(m.chainId, chainId(spec.value));
    assert.deepEqual(
      m.nodes.map((n) => [n.role, n.rpcPort, n.p2pPort]),
      [
        ['producer', 41000, 41001],
        ['producer', 41002, 41003],
        ['producer', 41004, 41005],
        ['producer', 41006, 41007],
        ['full', 41008, 41009],
        ['light', 41010, 41011],
      ],
    );
    for (const n of m.nodes) {
      const p = nodePaths(dir, n.index);
      const cfg = JSON.parse(readFileSync(p.config, 'utf8')) as Record<string, unknown>;
      assert.equal(cfg['rpcport'], n.rpcPort);
      assert.equal(cfg['p2pport'], n.p2pPort);
      assert.equal(cfg['chain'], '../chain.json');
      const peers = String(cfg['peers']).split(',');
      assert.deepEqual(
        peers,
        m.nodes.filter((x) => x.index !== n.index).map((x) => `127.0.0.1:${x.p2pPort}`),
      );
      if (n.role === 'producer') {
        assert.equal(statSync(p.key).mode & 0o777, 0o600, 'the key file is private');
        const keys = JSON.parse(readFileSync(p.key, 'utf8')) as { producers: { name: string; privateKey: string }[] };
        assert.equal(keys.producers.length, 1, 'a node holds only its own key');
        const own = keys.producers[0]!;
        const entry = schedule.producers.find((x) => x.name === own.name)!;
        assert.equal(toHex(xOnlyPublicKeyFromPrivate(fromHex(own.privateKey))), toHex(entry.key));
        assert.equal(cfg['producer'], n.name);
      } else {
        assert.equal(existsSync(p.key), false);
        assert.equal(cfg['light'] === true, n.role === 'light');
      }
    }
    assert.match(o.out.join('\n'), /node5\s+light/);

    const again = io();
    assert.equal(await runDevnet(['init', '--producers', '2', '--out', dir], again.io), 1);
    assert.match(again.err.join('\n'), /already holds a devnet; pass --force/);

    const st = io();
    assert.equal(await runDevnet(['status', '--dir', dir], st.io), 0);
    assert.equal(st.out.join('\n').match(/\bdown\b/g)?.length, 6, 'every node is down');
    const dn = io();
    assert.equal(await runDevnet(['down', '--dir', dir], dn.io), 0);
    assert.match(dn.out.join('\n'), /no node was running/);

    writeFileSync(join(nodePaths(dir, 0).datadir, 'chain.sqlite'), 'x');
    mkdirSync(join(nodePaths(dir, 1).datadir, 'sub'), { recursive: true });
    const rs = io();
    assert.equal(await runDevnet(['reset', '--dir', dir], rs.io), 0);
    assert.equal(existsSync(nodePaths(dir, 0).datadir), false, 'datadirs wiped');
    assert.ok(existsSync(join(dir, 'chain.json')) && existsSync(nodePaths(dir, 0).key), 'spec and keys stay');

    const forced = io();
    assert.equal(await runDevnet(['init', '--producers', '2', '--out', dir, '--force'], forced.io), 0);
    assert.equal(readManifest(dir).nodes.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('devnet usage errors exit 2 and name the problem', async () => {
  for (const [args, pattern] of [
    [[], /name a subcommand/],
    [['init'], /--producers N is required/],
    [['init', '--producers', '0'], /--producers takes an integer 1\.\.64/],
    [['up', '--producers', '3'], /does not take --producers/],
    [['frobnicate'], /unknown subcommand/],
    [['status', '--bogus'], /unknown option/],
  ] as const) {
    const o = io();
    assert.equal(await runDevnet(args, o.io), 2, args.join(' '));
    assert.match(o.err.join('\n'), pattern);
  }
});
