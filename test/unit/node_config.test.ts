/**
 * Node settings: defaults < config file < CCHOST_* environment < flags, with errors that name where a
 * bad value came from; flag parsing; and the structured logger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { COMMON_OPTIONS, UsageError, expandPath, parseFlags, resolveSettings } from '../../src/node/config.ts';
import type { OptionSpec } from '../../src/node/config.ts';
import { createLogger } from '../../src/node/log.ts';

const SPECS: Readonly<Record<string, OptionSpec>> = {
  ...COMMON_OPTIONS,
  keys: { kind: 'count', min: 1, max: 100, help: 'keys' },
  reset: { kind: 'flag', help: 'reset', cliOnly: true },
};

const file = (json: unknown) => () => JSON.stringify(json);

test('precedence: defaults < config file < CCHOST_* < flags, option by option', () => {
  const flags = parseFlags(['--config', '/etc/cchost.json', '--rpcport', '9003'], SPECS).flags;
  const s = resolveSettings(SPECS, {
    defaults: { datadir: '/default', rpcport: 9000, loglevel: 'info', rpcbind: '127.0.0.1' },
    readFile: file({ datadir: 'data', rpcport: 9001, loglevel: 'debug', rpcbind: '127.0.0.2' }),
    env: { CCHOST_RPCPORT: '9002', CCHOST_LOGLEVEL: 'warn' },
    flags,
  });
  assert.equal(s.get('rpcport'), 9003, 'flag beats env');
  assert.equal(s.get('loglevel'), 'warn', 'env beats file');
  assert.equal(s.get('rpcbind'), '127.0.0.2', 'file beats default');
  assert.equal(s.get('datadir'), '/etc/data', 'a relative path in the config file is relative to the file');
});

test('values are checked and the error names their source', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => resolveSettings(SPECS, { env: { CCHOST_RPCPORT: '70000' } }), /CCHOST_RPCPORT: expected a port number 0\.\.65535, got "70000"/],
    [() => resolveSettings(SPECS, { flags: new Map([['rpcport', 'abc']]) }), /--rpcport: expected a port number/],
    [() => resolveSettings(SPECS, { flags: new Map([['keys', '0']]) }), /--keys: expected an integer 1\.\.100/],
    [() => resolveSettings(SPECS, { flags: new Map([['loglevel', 'loud']]) }), /--loglevel: expected one of debug, info, warn, error, silent/],
    [() => resolveSettings(SPECS, { flags: new Map([['config', '/x.json']]), readFile: file({ rpcprot: 1 }) }), /config file \/x\.json: unknown option 'rpcprot'/],
    [() => resolveSettings(SPECS, { flags: new Map([['config', '/x.json']]), readFile: file({ reset: true }) }), /unknown option 'reset'/],
    [() => resolveSettings(SPECS, { flags: new Map([['config', '/x.json']]), readFile: file([1]) }), /must hold a JSON object/],
    [() => resolveSettings(SPECS, { flags: new Map([['config', '/x.json']]), readFile: () => '{' }), /cannot read the config file \/x\.json/],
  ];
  for (const [f, re] of cases) {
    assert.throws(f, (e: Error & { code?: string }) => {
      assert.equal(e.code, 'NODE_CONFIG_INVALID', e.message);
      assert.match(e.message, re);
      return true;
    });
  }
});

test('flag parsing: --x v, --x=v, -x v and flags; unknown, repeated or valueless options are usage errors', () => {
  const p = parseFlags(['--rpcport=1', '-datadir', '/d', '--reset', 'extra'], SPECS);
  assert.deepEqual([...p.flags], [['rpcport', '1'], ['datadir', '/d'], ['reset', true]]);
  assert.deepEqual(p.rest, ['extra']);
  for (const argv of [['--nope'], ['--rpcport'], ['--reset=1'], ['--keys', '1', '--keys', '2'], ['--datadir', '--reset']]) {
    assert.throws(() => parseFlags(argv, SPECS), UsageError, argv.join(' '));
  }
});

test('paths: ~ expands to the home directory, relative paths resolve against the base', () => {
  assert.equal(expandPath('~/x'), join(homedir(), 'x'));
  assert.equal(expandPath('a/b', '/base'), '/base/a/b');
  assert.equal(expandPath('/abs'), '/abs');
});

test('logger: JSON lines when not a terminal, text in one, levels filtered, child fields, bigint/bytes/errors rendered', () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', sink: { write: (l) => lines.push(l), isTTY: false }, now: () => 0 });
  log.debug('hidden');
  log.child({ component: 'producer' }).info('block', { height: 3, fees: 5n, id: Uint8Array.of(0xab, 0xcd) });
  log.error('failed', { err: Object.assign(new Error('boom'), { code: 'X_CODE' }) });
  assert.equal(lines.length, 2);
  assert.deepEqual(JSON.parse(lines[0]!), { time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'block', component: 'producer', height: 3, fees: '5', id: 'abcd' });
  const e = JSON.parse(lines[1]!) as { err: { message: string; code: string; stack: string } };
  assert.equal(e.err.message, 'boom');
  assert.equal(e.err.code, 'X_CODE');
  assert.match(e.err.stack, /boom/);
  const text: string[] = [];
  createLogger({ sink: { write: (l) => text.push(l), isTTY: true }, now: () => 0 }).warn('slot skipped', { slot: 7, why: 'busy now' });
  assert.equal(text[0], '00:00:00.000 WARN  slot skipped slot=7 why="busy now"\n');
});
