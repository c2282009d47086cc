/**
 * A stand-in signature scheme for the simulator: a signature is SHA-256(private key ‖ digest) twice,
 * and verification recomputes it from the private key the registry holds for the public key. Within
 * a simulation nothing forges (byzantine nodes sign only with their own keys), and it costs a native
 * hash instead of BIP-340's ~0.2 ms; repeated checks of the same signature object against the same key
 * and digest objects (every node checking one broadcast vote) are answered from an identity memo.
 * Unit tests of the consensus rules use the real BIP-340 scheme.
 */
import { createHash } from 'node:crypto';
import { concatBytes, equalBytes, toHex, utf8 } from '../../util/bytes.ts';
import type { SignatureScheme } from '../scheme.ts';

function sha(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Key registry plus scheme. Example: `const k = new SimKeys(); const {priv, pub} = k.keyPair('alice')`. */
export class SimKeys implements SignatureScheme {
  private readonly privByPub = new Map<string, Uint8Array>();
  private readonly memo = new WeakMap<Uint8Array, { pub: Uint8Array; digest: Uint8Array; valid: boolean }>();
  /** Signatures computed and verified (for reports). */
  signs = 0;
  verifies = 0;

  /** A deterministic key pair for a name (the public key is registered for verification). */
  keyPair(name: string): { priv: Uint8Array; pub: Uint8Array } {
    const priv = sha(utf8(`cchost-sim-private:${name}`));
    const pub = sha(utf8('cchost-sim-public:'), priv);
    this.privByPub.set(toHex(pub), priv);
    return { priv, pub };
  }

  sign(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
    this.signs++;
    const h = sha(privateKey, digest);
    return concatBytes(h, h);
  }

  verify(sig: Uint8Array, publicKey: Uint8Array, digest: Uint8Array): boolean {
    const m = this.memo.get(sig);
    if (m !== undefined && m.pub === publicKey && m.digest === digest) return m.valid;
    this.verifies++;
    const priv = this.privByPub.get(toHex(publicKey));
    const h = priv === undefined || sig.length !== 64 ? undefined : sha(priv, digest);
    const valid = h !== undefined && equalBytes(sig.subarray(0, 32), h) && equalBytes(sig.subarray(32), h);
    this.memo.set(sig, { pub: publicKey, digest, valid });
    return valid;
  }
}
