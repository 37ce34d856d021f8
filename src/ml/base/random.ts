/**
 * A small seeded PRNG (mulberry32 seeded through splitmix32) so that the same
 * seed gives the same model on every platform. Not for cryptography.
 */
export class Rng {
  private state: number;

  constructor(seed = 0) {
    let z = (seed >>> 0) + 0x9e3779b9;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    this.state = (z ^ (z >>> 16)) >>> 0;
  }

  /** Where the generator stands: {@link Rng.resume} continues the same sequence, on this thread or another. */
  get position(): number {
    return this.state;
  }

  static resume(position: number): Rng {
    const rng = new Rng();
    rng.state = position >>> 0;
    return rng;
  }

  /** A uniform double in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A new independent generator derived from this one (for per-tree or per-fold seeds). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }
}
