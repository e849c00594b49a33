/**
 * Deterministic ids and randomness for simulators: the same seed always gives the same value, so seed
 * data, fault sequences and generated objects are reproducible across runs and machines.
 */

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small, fast PRNG with good enough statistics for test data; values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG seeded from a string; values in [0, 1). */
export function seededRandom(seed: string): () => number {
  return mulberry32(fnv1a(seed));
}

const OBJECT_ID_EPOCH_S = Date.UTC(2023, 0, 1) / 1000;
const TWO_YEARS_S = 2 * 365 * 86_400;

/**
 * A MongoDB-style ObjectId (24 lowercase hex digits) derived from `seed`. As in real ObjectIds the
 * leading 4 bytes are the creation time in seconds: `createdAt` when given, else a seeded 2023–2024 time.
 */
export function objectId(seed: string, createdAt?: Date): string {
  const random = seededRandom(`objectId:${seed}`);
  const seconds = OBJECT_ID_EPOCH_S + random() * TWO_YEARS_S;
  return hex32(createdAt ? createdAt.getTime() / 1000 : seconds) + hex32(random() * 2 ** 32) + hex32(random() * 2 ** 32);
}

/** A version-4-shaped UUID derived from `seed` (stable ids such as a webhook subscription id). */
export function uuidFromSeed(seed: string): string {
  const random = seededRandom(`uuid:${seed}`);
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hex32(value: number): string {
  return (Math.floor(value) >>> 0).toString(16).padStart(8, '0');
}
