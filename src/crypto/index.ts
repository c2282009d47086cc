/**
 * The crypto layer (layer 1): hashes, secp256k1 ECDSA and BIP-340 Schnorr, Ed25519, RSA-PSS, Base58Check,
 * addresses with chain prefixes, and WIF keys. Everything here is re-exported from one place.
 */
export * from './hash.ts';
export * from './errors.ts';
export * from './secp256k1.ts';
export { schnorrSignGeneric, schnorrVerifyGeneric } from './schnorr.ts';
export * from './ed25519.ts';
export * from './rsa.ts';
export * from './base58.ts';
export * from './address.ts';
export * from './keys.ts';
