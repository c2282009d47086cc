/**
 * The authenticated handshake. Each side sends a `hello` at once (chain id, name, key, head, LIB, a
 * fresh 32-byte nonce, its clock), checks the peer's hello against its policy, and answers with an
 * `auth`: a BIP-340 signature by its key over
 *
 *   taggedHash("CCHOST/P2P/AUTH/v1", chainId ‖ signerNonce ‖ verifierNonce ‖ sha256(signerHello) ‖ sha256(verifierHello))
 *
 * where the hellos are the exact message bytes sent. The verifier's nonce is fresh for this
 * connection, so a recorded handshake replayed later does not verify; the hash of both hellos binds
 * the names, keys, roles and heads each side saw.
 */
import { randomBytes } from 'node:crypto';
import { sha256, taggedHash } from '../crypto/hash.ts';
import { schnorrSign, schnorrVerify } from '../crypto/secp256k1.ts';
import type { ScheduleEntry } from '../chain/block/types.ts';
import { equalBytes, toHex } from '../util/bytes.ts';
import { ok } from '../util/errors.ts';
import type { Result } from '../util/errors.ts';
import { NetErrorCode, netFail } from './errors.ts';
import type { NetError } from './errors.ts';
import { PROTOCOL_VERSION } from './limits.ts';
import type { HelloMsg } from './messages.ts';

/** Tag of the handshake signature digest. */
export const AUTH_TAG = 'CCHOST/P2P/AUTH/v1';

/** Default largest difference between the peer's hello timestamp and our clock. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;

/** A fresh 32-byte nonce. */
export function freshNonce(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/**
 * The digest the signer of an `auth` signs. `signerHello`/`verifierHello` are the encoded hello
 * messages as sent on the wire. Example: `authDigest(chainId, myHelloBytes, myNonce, theirHelloBytes, theirNonce)`.
 */
export function authDigest(chainId: Uint8Array, signerHello: Uint8Array, signerNonce: Uint8Array, verifierHello: Uint8Array, verifierNonce: Uint8Array): Uint8Array {
  return taggedHash(AUTH_TAG, chainId, signerNonce, verifierNonce, sha256(signerHello), sha256(verifierHello));
}

/** Our `auth` signature for a connection. Zero aux randomness: the digest is already unique per connection. */
export function signAuth(privateKey: Uint8Array, digest: Uint8Array): Uint8Array {
  return schnorrSign(digest, privateKey, new Uint8Array(32));
}

/** True when `sig` is `key`'s signature over `digest`. Never throws. */
export function verifyAuth(sig: Uint8Array, key: Uint8Array, digest: Uint8Array): boolean {
  return schnorrVerify(sig, key, digest);
}

/** The producer set a handshake checks against: name → key and key → name. */
export interface ProducerDirectory {
  readonly byName: ReadonlyMap<string, Uint8Array>;
  readonly byKey: ReadonlyMap<string, string>;
}

/** Builds the directory of a schedule's members (and of a pending schedule's, when given). */
export function producerDirectory(...sets: readonly (readonly ScheduleEntry[])[]): ProducerDirectory {
  const byName = new Map<string, Uint8Array>();
  const byKey = new Map<string, string>();
  for (const set of sets) {
    for (const p of set) {
      byName.set(p.name, p.key);
      byKey.set(toHex(p.key), p.name);
    }
  }
  return { byName, byKey };
}

/** What a hello is checked against. */
export interface HelloPolicy {
  readonly chainId: Uint8Array;
  /** Our own key (a hello with it is a self-connection or a reflection). */
  readonly ownKey: Uint8Array;
  /** Our nonce on this connection (a hello echoing it is a reflection). */
  readonly ownNonce: Uint8Array;
  /** Our clock (unix ms). */
  readonly nowMs: number;
  readonly maxClockSkewMs: number;
  readonly producers: ProducerDirectory;
  /** Accept peers that are not scheduled producers (full nodes). */
  readonly allowNonProducers: boolean;
  /** Ban check by key (hex). */
  readonly isBanned: (keyHex: string) => boolean;
}

/**
 * Checks a peer's hello; on success says whether the peer is a scheduled producer. The key itself is
 * proven later by `auth`. Never throws.
 */
export function checkHello(h: HelloMsg, p: HelloPolicy): Result<{ producer: boolean }, NetError> {
  if (h.version !== PROTOCOL_VERSION) return netFail(NetErrorCode.HANDSHAKE_VERSION, `protocol version ${h.version}, this node speaks ${PROTOCOL_VERSION}`);
  if (!equalBytes(h.chainId, p.chainId)) {
    return netFail(NetErrorCode.HANDSHAKE_WRONG_CHAIN, `peer is on chain ${toHex(h.chainId).slice(0, 16)}…, this node on ${toHex(p.chainId).slice(0, 16)}…`);
  }
  if (equalBytes(h.key, p.ownKey) || equalBytes(h.nonce, p.ownNonce)) return netFail(NetErrorCode.HANDSHAKE_SELF, 'the peer presented our own key or nonce');
  const skew = h.timestampMs - p.nowMs;
  if (Math.abs(skew) > p.maxClockSkewMs) {
    return netFail(NetErrorCode.HANDSHAKE_CLOCK_SKEW, `peer clock differs by ${skew} ms (limit ±${p.maxClockSkewMs}); check NTP on both hosts`);
  }
  const keyHex = toHex(h.key);
  if (p.isBanned(keyHex)) return netFail(NetErrorCode.HANDSHAKE_BANNED, `${h.name} (${keyHex.slice(0, 16)}…) is banned`);
  const scheduledKey = p.producers.byName.get(h.name);
  const nameOfKey = p.producers.byKey.get(keyHex);
  if (scheduledKey !== undefined) {
    if (!equalBytes(scheduledKey, h.key)) return netFail(NetErrorCode.HANDSHAKE_WRONG_KEY, `${h.name} is a scheduled producer with another key`);
    return ok({ producer: true });
  }
  if (nameOfKey !== undefined) return netFail(NetErrorCode.HANDSHAKE_WRONG_KEY, `key of producer ${nameOfKey} presented under the name ${h.name}`);
  if (h.producer) return netFail(NetErrorCode.HANDSHAKE_NOT_SCHEDULED, `${h.name} claims to be a producer but is not in the schedule`);
  if (!p.allowNonProducers) return netFail(NetErrorCode.HANDSHAKE_NOT_ALLOWED, `${h.name} is not a scheduled producer and this node accepts producers only`);
  return ok({ producer: false });
}
