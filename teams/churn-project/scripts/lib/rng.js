/** mulberry32: a small, fast, seedable PRNG; same seed, same stream, on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed) {
  const uniform = mulberry32(seed);
  return {
    uniform,
    normal(mean = 0, sd = 1) {
      // Box-Muller; 1 - u keeps log() away from zero.
      const u = 1 - uniform();
      const v = uniform();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    poisson(lambda) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = uniform();
      while (p > limit) {
        k++;
        p *= uniform();
      }
      return k;
    },
    bernoulli(p) {
      return uniform() < p;
    },
    /** Picks a key of `weights` ({key: weight}) in proportion to its weight. */
    pick(weights) {
      const entries = Object.entries(weights);
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let u = uniform() * total;
      for (const [key, w] of entries) {
        u -= w;
        if (u < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
    shuffle(items) {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

export function sigmoid(z) {
  return 1 / (1 + Math.exp(-z));
}
