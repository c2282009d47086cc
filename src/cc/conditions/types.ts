/**
 * The type registry (CC.md A2) and the tree types. A tree is a tagged union of plain objects; the
 * fields that feed the fingerprint are read-only, only `signature` may be set later (by the signers).
 * Trees are treated as immutable otherwise: derived conditions are cached per node object.
 */

/** A known type id: preimage 0, prefix 1, threshold 2, rsa 3, ed25519 4, secp256k1 5, eval 15. */
export type TypeId = 0 | 1 | 2 | 3 | 4 | 5 | 15;

/** The `type` tag of a fulfillment node. */
export type FulfillmentType = 'preimage' | 'prefix' | 'threshold' | 'rsa' | 'ed25519' | 'secp256k1' | 'eval';

/** What the library knows about one type. */
export interface TypeInfo {
  /** Type id, also the DER context tag number (`A0 | id`). */
  readonly id: TypeId;
  /** The node `type` tag in trees. */
  readonly node: FulfillmentType;
  /** The URI `fpt` / JSON `type` name, e.g. `secp256k1-sha-256`. */
  readonly name: string;
  /** Compound types (prefix, threshold) carry a subtypes mask. */
  readonly compound: boolean;
}

/** The seven known types in id order. */
export const TYPES: readonly TypeInfo[] = Object.freeze([
  { id: 0, node: 'preimage', name: 'preimage-sha-256', compound: false },
  { id: 1, node: 'prefix', name: 'prefix-sha-256', compound: true },
  { id: 2, node: 'threshold', name: 'threshold-sha-256', compound: true },
  { id: 3, node: 'rsa', name: 'rsa-sha-256', compound: false },
  { id: 4, node: 'ed25519', name: 'ed25519-sha-256', compound: false },
  { id: 5, node: 'secp256k1', name: 'secp256k1-sha-256', compound: false },
  { id: 15, node: 'eval', name: 'eval-sha-256', compound: false },
] as const satisfies readonly TypeInfo[]);

const BY_ID: (TypeInfo | undefined)[] = [];
const BY_NAME = new Map<string, TypeInfo>();
const BY_NODE = new Map<string, TypeInfo>();
for (const t of TYPES) {
  BY_ID[t.id] = t;
  BY_NAME.set(t.name, t);
  BY_NODE.set(t.node, t);
}

/** Bit mask of every known type id (bit i = type id i): 0x803F. */
export const KNOWN_TYPES_MASK = TYPES.reduce((m, t) => m | (1 << t.id), 0);

/** The type with this id, or undefined for ids 6–14, ≥ 16 and non-integers. */
export function typeById(id: number): TypeInfo | undefined {
  return Number.isInteger(id) && id >= 0 && id < BY_ID.length ? BY_ID[id] : undefined;
}

/** The type with this URI/JSON name (`threshold-sha-256`), or undefined. */
export function typeByName(name: string): TypeInfo | undefined {
  return BY_NAME.get(name);
}

/** The type of a fulfillment node tag (`'threshold'`). */
export function typeByNode(node: FulfillmentType): TypeInfo {
  return BY_NODE.get(node)!;
}

/** A condition: type, 32-byte fingerprint, cost, and the subtypes mask (0 for simple types). */
export interface Condition {
  readonly typeId: TypeId;
  readonly fingerprint: Uint8Array;
  /** 0..2^32−1. */
  readonly cost: number;
  /** Bit i = type id i used below the node; always 0 for simple types. */
  readonly subtypes: number;
}

/** preimage-sha-256: reveals `preimage`; fingerprint = SHA-256(preimage). */
export interface PreimageNode {
  readonly type: 'preimage';
  readonly preimage: Uint8Array;
}

/** prefix-sha-256: the child verifies `prefix ‖ M`, with len(M) ≤ maxMessageLength. */
export interface PrefixNode {
  readonly type: 'prefix';
  readonly prefix: Uint8Array;
  /** 0..2^32−1. */
  readonly maxMessageLength: number;
  readonly child: CCNode;
}

/**
 * threshold-sha-256: `threshold` of `children` must be fulfilled. A parsed threshold lists its
 * sub-fulfillments (DER order), then its anonymous sub-conditions.
 */
export interface ThresholdNode {
  readonly type: 'threshold';
  readonly threshold: number;
  readonly children: readonly CCNode[];
}

/** rsa-sha-256 (RSASSA-PSS, SHA-256, salt 32, e = 65537); verify-only. */
export interface RsaNode {
  readonly type: 'rsa';
  /** Unsigned big-endian, 128..512 bytes, first byte non-zero. */
  readonly modulus: Uint8Array;
  signature?: Uint8Array;
}

/** ed25519-sha-256: a 32-byte public key and, once signed, a 64-byte RFC 8032 signature. */
export interface Ed25519Node {
  readonly type: 'ed25519';
  readonly publicKey: Uint8Array;
  signature?: Uint8Array;
}

/** secp256k1-sha-256 (Komodo): a 33-byte compressed key and, once signed, a compact 64-byte r‖s (low-S). */
export interface Secp256k1Node {
  readonly type: 'secp256k1';
  readonly publicKey: Uint8Array;
  signature?: Uint8Array;
}

/** eval-sha-256 (Komodo): `code` = eval code byte ‖ params, 1..1024 bytes, checked by the host callback. */
export interface EvalNode {
  readonly type: 'eval';
  readonly code: Uint8Array;
}

/** An anonymous sub-condition: a child given only as its condition; never fulfilled. */
export interface AnonNode extends Condition {
  readonly type: 'anon';
}

/** A crypto-condition tree node. */
export type CCNode =
  | PreimageNode
  | PrefixNode
  | ThresholdNode
  | RsaNode
  | Ed25519Node
  | Secp256k1Node
  | EvalNode
  | AnonNode;

/** The type id of a node (an anonymous node reports the type it stands for). */
export function nodeTypeId(node: CCNode): TypeId {
  return node.type === 'anon' ? node.typeId : typeByNode(node.type).id;
}
