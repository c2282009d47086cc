/**
 * A signature scheme that remembers the signatures it verified. Every signature of a certificate is
 * a vote signature this node has usually verified already (the aggregator assembles certificates from
 * votes), so the certificates that headers carry and that peers gossip verify from the cache instead
 * of costing one BIP-340 verification (≈ 0.2 ms) per signer again. Only successful verifications are
 * kept (a pure function of digest, key and signature), in a bounded map, oldest dropped first.
 */
import type { SignatureScheme } from '../../consensus/scheme.ts';
import { toHex } from '../../util/bytes.ts';

/** Default number of remembered signatures. */
export const DEFAULT_VERIFY_CACHE = 16_384;

/** `scheme` with a cache of verified signatures. Example: `consensusConfig(spec, { scheme: cachingScheme(BIP340) })`. */
export function cachingScheme(scheme: SignatureScheme, capacity = DEFAULT_VERIFY_CACHE): SignatureScheme & { readonly hits: () => number } {
  const seen = new Map<string, true>();
  let hits = 0;
  return {
    sign: (digest, privateKey) => scheme.sign(digest, privateKey),
    verify: (sig, publicKey, digest) => {
      const k = `${toHex(digest)}${toHex(publicKey)}${toHex(sig)}`;
      if (seen.has(k)) {
        hits++;
        return true;
      }
      if (!scheme.verify(sig, publicKey, digest)) return false;
      seen.set(k, true);
      if (seen.size > capacity) seen.delete(seen.keys().next().value!);
      return true;
    },
    hits: () => hits,
  };
}
