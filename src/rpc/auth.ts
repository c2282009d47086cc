/**
 * RPC authentication, bitcoind-style: HTTP Basic with rpcuser/rpcpassword, or the cookie
 * (`__cookie__:<64 hex>`) written to `<datadir>/.cookie` with mode 0600 while the server runs.
 * Credentials are compared in constant time.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../util/bytes.ts';
import { COOKIE_FILE, COOKIE_USER } from './defaults.ts';

/** A user name and password accepted by the server. */
export interface RpcCredential {
  readonly user: string;
  readonly password: string;
}

/** How the server authenticates: explicitly off, or HTTP Basic against a list of credentials. */
export type RpcAuth =
  | { readonly mode: 'none' }
  | {
      readonly mode: 'basic';
      readonly credentials: readonly RpcCredential[];
      /** Serve GET REST routes and /openapi.json without credentials (read-only explorer use). */
      readonly publicGet?: boolean;
    };

/** Path of the cookie file in a data directory. */
export function cookiePath(datadir: string): string {
  return join(datadir, COOKIE_FILE);
}

/** A fresh cookie credential: `__cookie__` and 32 random bytes in hex. */
export function newCookieCredential(): RpcCredential {
  return { user: COOKIE_USER, password: toHex(randomBytes(32)) };
}

/**
 * Writes `user:password` to `path` with owner-only permissions (written to a temporary file, then
 * renamed, so a reader never sees half a cookie).
 */
export function writeCookie(path: string, c: RpcCredential): void {
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true }); // a leftover would keep its old permissions
  writeFileSync(tmp, `${c.user}:${c.password}`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Removes the cookie at `path` if it still holds `c` (another process may have replaced it). */
export function removeCookie(path: string, c: RpcCredential): void {
  const current = readCookie(path);
  if (current !== undefined && current.user === c.user && current.password === c.password) rmSync(path, { force: true });
}

/** Reads `user:password` from a cookie file; `undefined` when it is missing or malformed. */
export function readCookie(path: string): RpcCredential | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** The `Authorization` header value for a credential. */
export function basicHeader(c: RpcCredential): string {
  return `Basic ${Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64')}`;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Checks an `Authorization` header against the credentials. Returns the user name, or `undefined` when
 * it is missing or wrong. Every credential is compared (no early exit) on fixed-size digests, so the
 * time taken does not depend on how much of a password matched.
 */
export function checkBasicAuth(header: string | undefined, credentials: readonly RpcCredential[]): string | undefined {
  if (header === undefined || !/^Basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const given = digest(decoded);
  let match: string | undefined;
  for (const c of credentials) {
    if (timingSafeEqual(given, digest(`${c.user}:${c.password}`)) && match === undefined) match = c.user;
  }
  return match;
}
