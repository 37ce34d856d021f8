import type { Rng } from '../../../ml/base/random.js';

/** One dimension of a Parzen estimator: a numeric interval (already log-scaled) or a categorical with `size` choices. */
export type ParzenDimension = { kind: 'numeric'; low: number; high: number } | { kind: 'categorical'; size: number };

/** Options shared by the below and above estimators of TPE. */
export interface ParzenOptions {
  /** weight of the prior kernel (uniform-ish over the whole space) @defaultValue 1 */
  priorWeight: number;
  /** joint kernels over every dimension (Scott-rule bandwidths) instead of one estimator per dimension */
  multivariate: boolean;
  /** dimensions of the whole search space, for the multivariate bandwidth */
  spaceDims: number;
}

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** erfc with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so tail masses stay accurate. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** log of P(a < Z < b) for a standard normal Z, computed on the side of the tail the interval sits in. */
function logNormalMass(a: number, b: number): number {
  const mass = a > 0 ? 0.5 * (erfc(a / SQRT2) - erfc(b / SQRT2)) : 0.5 * (erfc(-b / SQRT2) - erfc(-a / SQRT2));
  return Math.log(Math.max(mass, 1e-300));
}

/** The default TPE weights: recent observations count fully, the oldest beyond 25 ramp down (Optuna's `default_weights`). */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const ramp = n - 25;
  for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

/**
 * A mixture of one kernel per observation plus a prior kernel, as in
 * Optuna's TPE: truncated normals on numeric dimensions (bandwidth from the
 * neighbours' distances, or Scott's rule when multivariate, clipped "magic
 * clip" style), smoothed categoricals on categorical ones. Observations are
 * given in internal coordinates: log-scaled numbers, choice indexes.
 */
export class ParzenEstimator {
  private readonly k: number;
  private readonly logWeights: Float64Array;
  private readonly cumWeights: Float64Array;
  private readonly mus: Float64Array[] = [];
  private readonly sigmas: Float64Array[] = [];
  private readonly logMass: Float64Array[] = [];
  private readonly logProbs: Float64Array[] = [];

  /** `observations[i][d]`: observation i (oldest first) in dimension d. */
  constructor(
    private readonly dims: ParzenDimension[],
    observations: ReadonlyArray<ArrayLike<number>>,
    options: ParzenOptions,
  ) {
    const n = observations.length;
    this.k = n + 1;
    const w = new Float64Array(this.k);
    w.set(defaultWeights(n));
    w[n] = options.priorWeight;
    let total = 0;
    for (const v of w) total += v;
    this.logWeights = w.map((v) => Math.log(v / total));
    this.cumWeights = new Float64Array(this.k);
    let acc = 0;
    for (let i = 0; i < this.k; i++) this.cumWeights[i] = acc += w[i] / total;

    dims.forEach((dim, d) => {
      const obs = Float64Array.from(observations, (o) => o[d]);
      if (dim.kind === 'numeric') {
        const { mus, sigmas } = numericKernels(dim.low, dim.high, obs, options);
        this.mus[d] = mus;
        this.sigmas[d] = sigmas;
        this.logMass[d] = mus.map((mu, i) => logNormalMass((dim.low - mu) / sigmas[i], (dim.high - mu) / sigmas[i]));
      } else {
        // each kernel: the prior weight spread over all choices, plus 1 on its observed choice
        const c = dim.size;
        const lp = new Float64Array(this.k * c);
        for (let i = 0; i < this.k; i++) {
          const row = new Float64Array(c).fill(options.priorWeight / this.k);
          if (i < n) row[obs[i]] += 1;
          let s = 0;
          for (const v of row) s += v;
          for (let j = 0; j < c; j++) lp[i * c + j] = Math.log(row[j] / s);
        }
        this.logProbs[d] = lp;
      }
    });
  }

  /** `count` points drawn from the mixture, in internal coordinates. */
  sample(rng: Rng, count: number): Float64Array[] {
    const out: Float64Array[] = [];
    for (let s = 0; s < count; s++) {
      const u = rng.next();
      let kernel = 0;
      while (kernel < this.k - 1 && this.cumWeights[kernel] <= u) kernel++;
      const x = new Float64Array(this.dims.length);
      this.dims.forEach((dim, d) => {
        if (dim.kind === 'numeric') x[d] = truncatedNormal(rng, this.mus[d][kernel], this.sigmas[d][kernel], dim.low, dim.high);
        else x[d] = drawCategorical(rng, this.logProbs[d], kernel, dim.size);
      });
      out.push(x);
    }
    return out;
  }

  /** The mixture's log density at each point. */
  logPdf(points: Float64Array[]): Float64Array {
    const out = new Float64Array(points.length);
    const terms = new Float64Array(this.k);
    points.forEach((x, p) => {
      for (let i = 0; i < this.k; i++) {
        let t = this.logWeights[i];
        this.dims.forEach((dim, d) => {
          if (dim.kind === 'numeric') {
            const z = (x[d] - this.mus[d][i]) / this.sigmas[d][i];
            t += -0.5 * z * z - LOG_SQRT_2PI - Math.log(this.sigmas[d][i]) - this.logMass[d][i];
          } else {
            t += this.logProbs[d][i * dim.size + x[d]];
          }
        });
        terms[i] = t;
      }
      out[p] = logSumExp(terms);
    });
    return out;
  }
}

function numericKernels(low: number, high: number, obs: Float64Array, options: ParzenOptions): { mus: Float64Array; sigmas: Float64Array } {
  const n = obs.length;
  const range = high - low;
  const sigmas = new Float64Array(n + 1);
  if (options.multivariate) {
    sigmas.fill(0.2 * Math.max(n, 1) ** (-1 / (options.spaceDims + 4)) * range);
  } else if (n > 0) {
    // each kernel as wide as its larger gap to a neighbour (the interval ends count as neighbours)
    const order = Array.from(obs.keys()).sort((a, b) => obs[a] - obs[b]);
    const sorted = [low, ...order.map((i) => obs[i]), high];
    const bySorted = new Float64Array(n);
    for (let j = 1; j <= n; j++) bySorted[j - 1] = Math.max(sorted[j] - sorted[j - 1], sorted[j + 1] - sorted[j]);
    if (sorted.length >= 4) {
      // the ends of the interval are not observations: measure the outermost kernels inwards
      bySorted[0] = sorted[2] - sorted[1];
      bySorted[n - 1] = sorted[n] - sorted[n - 1];
    }
    order.forEach((i, j) => (sigmas[i] = bySorted[j]));
  }
  const minSigma = range / Math.min(100, 1 + n + 1);
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]));
  sigmas[n] = range;
  const mus = new Float64Array(n + 1);
  mus.set(obs);
  mus[n] = low + range / 2;
  return { mus, sigmas };
}

function truncatedNormal(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  for (let tries = 0; tries < 64; tries++) {
    const x = mu + sigma * rng.normal();
    if (x >= low && x <= high) return x;
  }
  return low + (high - low) * rng.next();
}

function drawCategorical(rng: Rng, logProbs: Float64Array, kernel: number, size: number): number {
  let u = rng.next();
  for (let j = 0; j < size - 1; j++) {
    u -= Math.exp(logProbs[kernel * size + j]);
    if (u < 0) return j;
  }
  return size - 1;
}

function logSumExp(v: Float64Array): number {
  let m = -Infinity;
  for (const x of v) if (x > m) m = x;
  if (m === -Infinity) return m;
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}
