/**
 * Limited-memory BFGS for smooth unconstrained problems (the logistic loss),
 * with a strong-Wolfe line search (Nocedal & Wright, algorithms 3.5/3.6).
 * Stops like scipy's L-BFGS-B as scikit-learn calls it: when the largest
 * gradient entry is at most `gtol`, or the relative decrease of f is at most
 * `ftol`, or after `maxIter` iterations.
 */

const EPS = 2.220446049250313e-16;

/** Writes the gradient at x into `grad` and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Iteration limit (scikit-learn `max_iter`). */
  maxIter: number;
  /** Converged when max |∂f/∂xᵢ| ≤ gtol (scikit-learn `tol`). */
  gtol: number;
  /**
   * Converged when (f_prev − f) / max(|f_prev|, |f|, 1) ≤ ftol.
   * @defaultValue 64 · machine epsilon (scikit-learn ≥ 1.3 passes the same)
   */
  ftol?: number;
  /**
   * Number of correction pairs kept.
   * @defaultValue 10
   */
  memory?: number;
  /**
   * Function evaluations allowed per line search.
   * @defaultValue 50
   */
  maxLineSearch?: number;
  /** Called after each iteration; may throw to stop (AbortError). */
  onIteration?: (iteration: number, f: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** iterations done */
  nIter: number;
  /** true when a gtol or ftol test stopped the run (or the line search hit the rounding floor), false at the iteration limit or a failed line search */
  converged: boolean;
}

export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const memory = options.memory ?? 10;
  const ftol = options.ftol ?? 64 * EPS;
  const maxLs = options.maxLineSearch ?? 50;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const d = new Float64Array(n);
  const alphaBuf = new Float64Array(memory);
  const xTrial = new Float64Array(n);
  const gTrial = new Float64Array(n);

  if (maxAbs(g) <= options.gtol) return { x, f, nIter: 0, converged: true };
  for (let iter = 1; iter <= options.maxIter; iter++) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = sHist.length;
    for (let h = k - 1; h >= 0; h--) {
      const a = rhoHist[h] * dot(sHist[h], d);
      alphaBuf[h] = a;
      axpy(-a, yHist[h], d);
    }
    if (k > 0) {
      const yl = yHist[k - 1];
      const gamma = dot(sHist[k - 1], yl) / dot(yl, yl);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let h = 0; h < k; h++) {
      const b = rhoHist[h] * dot(yHist[h], d);
      axpy(alphaBuf[h] - b, sHist[h], d);
    }
    let dg0 = dot(d, g);
    if (!(dg0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHist.length = yHist.length = rhoHist.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dg0 = dot(d, g);
    }
    const step0 = k === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;

    const ls = lineSearch(objective, x, f, d, dg0, step0, maxLs, xTrial, gTrial);
    if (!ls) {
      // No step decreases f. When the decrease this direction predicts is
      // already under the ftol floor, that is rounding at the optimum, not failure.
      const atFloor = -dg0 <= 2 * ftol * Math.max(Math.abs(f), 1);
      return { x, f, nIter: iter - 1, converged: atFloor };
    }

    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xTrial[i] - x[i];
      yv[i] = gTrial[i] - g[i];
    }
    const fPrev = f;
    x.set(xTrial);
    g.set(gTrial);
    f = ls.f;
    const sy = dot(s, yv);
    if (sy > EPS * dot(yv, yv)) {
      if (sHist.length === memory) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(yv);
      rhoHist.push(1 / sy);
    }
    options.onIteration?.(iter, f);
    if (maxAbs(g) <= options.gtol) return { x, f, nIter: iter, converged: true };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) return { x, f, nIter: iter, converged: true };
  }
  return { x, f, nIter: options.maxIter, converged: false };
}

/**
 * Finds a step meeting the strong Wolfe conditions along d. On success
 * xTrial/gTrial hold the accepted point and its gradient.
 */
function lineSearch(
  objective: Objective,
  x: Float64Array,
  f0: number,
  d: Float64Array,
  dg0: number,
  step0: number,
  maxEvals: number,
  xTrial: Float64Array,
  gTrial: Float64Array,
): { f: number } | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  let evals = 0;
  let lastStep = NaN;
  const evalAt = (step: number): { f: number; dg: number } => {
    for (let i = 0; i < n; i++) xTrial[i] = x[i] + step * d[i];
    const f = objective(xTrial, gTrial);
    evals++;
    lastStep = step;
    return { f, dg: dot(gTrial, d) };
  };
  const finish = (step: number, f: number): { f: number } => {
    if (step !== lastStep) f = evalAt(step).f;
    return { f };
  };

  let aPrev = 0;
  let fPrev = f0;
  let dgPrev = dg0;
  let a = step0;
  for (;;) {
    const { f, dg } = evalAt(a);
    if (!Number.isFinite(f) || f > f0 + c1 * a * dg0 || (evals > 1 && f >= fPrev)) {
      return zoom(aPrev, fPrev, dgPrev, a, f, dg);
    }
    if (Math.abs(dg) <= -c2 * dg0) return { f };
    if (dg >= 0) return zoom(a, f, dg, aPrev, fPrev, dgPrev);
    if (evals >= maxEvals) return { f };
    aPrev = a;
    fPrev = f;
    dgPrev = dg;
    a *= 4;
  }

  function zoom(lo: number, fLo: number, dgLo: number, hi: number, fHi: number, dgHi: number): { f: number } | null {
    while (evals < maxEvals) {
      let a = cubicMin(lo, fLo, dgLo, hi, fHi, dgHi);
      const lower = Math.min(lo, hi);
      const width = Math.abs(hi - lo);
      if (!Number.isFinite(a) || a < lower + 0.1 * width || a > lower + 0.9 * width) a = (lo + hi) / 2;
      if (width <= EPS * Math.max(1, Math.abs(lo))) break;
      const { f, dg } = evalAt(a);
      if (!Number.isFinite(f) || f > f0 + c1 * a * dg0 || f >= fLo) {
        hi = a;
        fHi = f;
        dgHi = dg;
      } else {
        if (Math.abs(dg) <= -c2 * dg0) return { f };
        if (dg * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dgHi = dgLo;
        }
        lo = a;
        fLo = f;
        dgLo = dg;
      }
    }
    // Out of evaluations: accept the best point only if it decreased f.
    return lo > 0 && fLo < f0 ? finish(lo, fLo) : null;
  }
}

/** Minimiser of the cubic through (a, fa, ga) and (b, fb, gb); NaN when it has none. */
function cubicMin(a: number, fa: number, ga: number, b: number, fb: number, gb: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(gb)) return NaN;
  const d1 = ga + gb - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - ga * gb;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((gb + d2 - d1) / (gb - ga + 2 * d2));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}
