/** A small, fast, seeded pseudo-random generator (SplitMix32 variant): same seed, same sequence everywhere. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/** Mixes any safe integer seed (and an optional stream number) into a generator. */
export function createRandom(seed: number, stream = 0): Random {
  // Fold the 53-bit seed into 32 bits, scrambling its low and high words with different multipliers so
  // that small negative seeds (high word all ones) do not collide with small positive ones.
  const low = seed | 0;
  const high = Math.floor(seed / 2 ** 32) | 0;
  let state = (Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) | 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}
