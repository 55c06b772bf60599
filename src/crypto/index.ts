/**
 * Keys, signatures and sealing. Imports nothing of ours but errors.ts; the heavy libraries
 * (@noble/post-quantum, age-encryption) load on first use, never at start-up.
 */
export {
  didKeyOf,
  ed25519OfDidKey,
  isDidKey,
  shortIdOf,
  cardOf,
  checkCard,
  hybridSign,
  hybridVerify,
  IdentityCard,
  HybridSignature,
  type SecretKeys,
} from './identity.js';
export { configHome, keyPaths, readCard, loadIdentity, ensureCard, isProtected, type Identity, type KeyOptions } from './keystore.js';
export { objectSigner, verifyObjectMlDsa, sameKey, sshVerify, type ObjectSigner } from './object-signer.js';
export { sshPublicKeyLine, parseSshPublicKeyLine, sshSign } from './sshsig.js';
export { sealTo, openWith, stanzaTypes, isHybridRecipient } from './age.js';
export { mlDsaKeyPair, mlDsaSign, mlDsaVerify } from './ml-dsa.js';
