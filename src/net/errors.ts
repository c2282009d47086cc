/**
 * Error codes of the P2P layer. Decoders and requests return them in a `Result`; nothing in `src/net`
 * throws on bytes that arrive from a socket.
 */
import { err } from '../util/errors.ts';
import type { ErrorData } from '../util/errors.ts';

/** The codes the P2P layer reports. */
export const NetErrorCode = {
  // --- framing and message decoding ---
  /** The input ends before the frame or message does. */
  TRUNCATED: 'NET_TRUNCATED',
  /** A length is not minimally encoded, a flag or boolean byte has unknown bits, or bytes trail a message. */
  NONCANONICAL: 'NET_NONCANONICAL',
  /** A count or length exceeds its bound (names, ranges, records per frame). */
  LIMIT: 'NET_LIMIT',
  /** A message is larger than its type's size limit (or the frame larger than the connection's limit). */
  OVERSIZED: 'NET_OVERSIZED',
  /** A frame does not start with the wire version this node speaks. */
  BAD_WIRE_VERSION: 'NET_BAD_WIRE_VERSION',
  /** The message type byte is not one this protocol defines. */
  UNKNOWN_TYPE: 'NET_UNKNOWN_TYPE',
  /** The message decodes structurally but its payload (transaction, block, vote, certificate) does not. */
  BAD_PAYLOAD: 'NET_BAD_PAYLOAD',
  /** A text field holds bytes outside printable ASCII, or a name is not of the `NAME_RE` form. */
  BAD_TEXT: 'NET_BAD_TEXT',

  // --- handshake ---
  /** The peer speaks another protocol version. */
  HANDSHAKE_VERSION: 'NET_HANDSHAKE_VERSION',
  /** The peer is on another chain (chain ids differ). */
  HANDSHAKE_WRONG_CHAIN: 'NET_HANDSHAKE_WRONG_CHAIN',
  /** The peer's clock differs from ours by more than the allowed skew (or the hello is stale: a replay). */
  HANDSHAKE_CLOCK_SKEW: 'NET_HANDSHAKE_CLOCK_SKEW',
  /** The peer uses a producer's name with a key that is not that producer's key in the schedule. */
  HANDSHAKE_WRONG_KEY: 'NET_HANDSHAKE_WRONG_KEY',
  /** The peer claims to be a producer but its name is not in the schedule. */
  HANDSHAKE_NOT_SCHEDULED: 'NET_HANDSHAKE_NOT_SCHEDULED',
  /** The peer is not a producer and this node accepts producers only. */
  HANDSHAKE_NOT_ALLOWED: 'NET_HANDSHAKE_NOT_ALLOWED',
  /** The peer presented our own key (we dialed ourselves, or a hello was reflected back). */
  HANDSHAKE_SELF: 'NET_HANDSHAKE_SELF',
  /** The peer's key is banned. */
  HANDSHAKE_BANNED: 'NET_HANDSHAKE_BANNED',
  /** The peer's signature over both hellos does not verify (wrong key, or a replayed handshake). */
  HANDSHAKE_BAD_AUTH: 'NET_HANDSHAKE_BAD_AUTH',
  /** A message other than hello/auth arrived before the handshake completed, or a second hello arrived. */
  HANDSHAKE_PROTOCOL: 'NET_HANDSHAKE_PROTOCOL',
  /** The handshake did not complete in time. */
  HANDSHAKE_TIMEOUT: 'NET_HANDSHAKE_TIMEOUT',

  // --- requests (block-range sync) ---
  /** The peer did not answer a request in time. */
  REQUEST_TIMEOUT: 'NET_REQUEST_TIMEOUT',
  /** The peer disconnected (or the network stopped) before answering. */
  PEER_GONE: 'NET_PEER_GONE',
  /** No connected peer with that id. */
  UNKNOWN_PEER: 'NET_UNKNOWN_PEER',
  /** The peer answered that it is busy or cannot serve blocks. */
  PEER_BUSY: 'NET_PEER_BUSY',
  /** The answer does not match the request (wrong start, too many blocks, blocks out of order). */
  BAD_RANGE: 'NET_BAD_RANGE',

  // --- configuration ---
  /** A configuration value is missing or out of range (thrown by the constructor, with the fix). */
  CONFIG: 'NET_CONFIG',
  /** The listen socket could not be opened (port in use, bad host). */
  LISTEN_FAILED: 'NET_LISTEN_FAILED',
} as const;

/** One of the P2P error codes. */
export type NetErrorCode = (typeof NetErrorCode)[keyof typeof NetErrorCode];

/** A P2P failure as data. */
export type NetError = ErrorData<NetErrorCode>;

/** A failed `Result` with a P2P code. Example: `return netFail(NetErrorCode.OVERSIZED, 'tx is 200000 bytes, limit 100000')`. */
export function netFail(code: NetErrorCode, message: string, details: Record<string, unknown> = {}): { ok: false; error: NetError } {
  return err({ ...details, code, message });
}
