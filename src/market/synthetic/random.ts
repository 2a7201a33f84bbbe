/**
 * Seeded randomness for the synthetic market: sfc32 (small, fast, passes PractRand to 2^45+),
 * seeded through splitmix32 so nearby seeds give unrelated streams. One stream per symbol keeps
 * a symbol's path the same however many other symbols the market holds.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Student-t with `df` degrees of freedom scaled to unit variance (df > 2): fat tails. */
  studentT(df: number): number;
  /** Poisson count with mean `lambda` (small lambdas: Knuth's method). */
  poisson(lambda: number): number;
  exponential(mean: number): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A stream for (seed, stream): same inputs, same numbers, on every machine. */
export function createRandom(seed: number, stream = 0): Random {
  const mix = splitmix32((Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1)) >>> 0);
  // State in typed arrays: uint32 values above 2^31 kept in closure variables would be boxed
  // on every update (garbage per draw); typed-array slots are not.
  const st = new Uint32Array([mix(), mix(), mix(), mix()]);
  const next = (): number => {
    const a = st[0]!;
    const b = st[1]!;
    const c = st[2]!;
    const d = st[3]!;
    const d1 = (d + 1) >>> 0;
    const t = (a + b + d1) >>> 0;
    st[3] = d1;
    st[0] = b ^ (b >>> 9);
    st[1] = c + (c << 3);
    st[2] = ((c << 21) | (c >>> 11)) + t;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const spare = new Float64Array([Number.NaN]);
  const normal = (): number => {
    const cached = spare[0]!;
    if (!Number.isNaN(cached)) {
      spare[0] = Number.NaN;
      return cached;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = next() * 2 - 1;
      v = next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    spare[0] = v * f;
    return u * f;
  };

  return {
    next,
    normal,
    studentT(df) {
      // t = Z / sqrt(chi2(df) / df). For even df, chi2 = -2 ln(U1 ... U(df/2)): one log, no loop
      // of normals. Odd df falls back to summing squared normals.
      const k = Math.round(df);
      let chi = 0;
      if (k % 2 === 0) {
        let product = 1;
        for (let i = 0; i < k / 2; i++) product *= 1 - next();
        chi = -2 * Math.log(product);
      } else {
        for (let i = 0; i < k; i++) {
          const z = normal();
          chi += z * z;
        }
      }
      return (normal() / Math.sqrt(chi / k)) * Math.sqrt((k - 2) / k);
    },
    poisson(lambda) {
      if (lambda <= 0) return 0;
      const limit = Math.exp(-Math.min(lambda, 30));
      let k = 0;
      let p = next();
      while (p > limit) {
        k++;
        p *= next();
      }
      return k;
    },
    exponential(mean) {
      return -Math.log(1 - next()) * mean;
    },
  };
}
