/**
 * Error codes of the node's composition root. Start-up failures are thrown as a `CchostError` with
 * one of these codes (or the lower layer's own code, e.g. STORE_LOCKED) and a message that names the
 * fix, so the CLI can print it and exit non-zero.
 */
import { CchostError } from '../util/errors.ts';

/** The codes the node raises itself. */
export const NodeErrorCode = {
  /** A configuration value is invalid (bad port, unknown log level, unreadable config file). */
  CONFIG_INVALID: 'NODE_CONFIG_INVALID',
  /** The datadir's chain spec (chain.json) does not parse. */
  SPEC_INVALID: 'NODE_SPEC_INVALID',
  /** The datadir holds another chain than the spec given. */
  SPEC_MISMATCH: 'NODE_SPEC_MISMATCH',
  /** No chain spec in the datadir and none given. */
  NO_SPEC: 'NODE_NO_SPEC',
  /** The producer key is not a key of the chain's schedule. */
  BAD_PRODUCER_KEY: 'NODE_BAD_PRODUCER_KEY',
  /** The datadir is not a cchost dev datadir (refused by `cchost dev`, or by `--reset`). */
  NOT_DEV_DATADIR: 'NODE_NOT_DEV_DATADIR',
  /** The CC module registry refused the chain's module list. */
  MODULES: 'NODE_MODULES',
  /** A part of the node failed to start. */
  START_FAILED: 'NODE_START_FAILED',
  /** Writing a node file (spec, watermark) failed. */
  IO: 'NODE_IO',
} as const;

/** One of the node's error codes. */
export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

/** Builds a node error to throw. Example: `throw nodeError('NODE_NO_SPEC', 'no chain.json in /x; pass --chain FILE')`. */
export function nodeError(code: NodeErrorCode, message: string, details: Record<string, unknown> = {}): CchostError<NodeErrorCode> {
  return new CchostError(code, message, details);
}
