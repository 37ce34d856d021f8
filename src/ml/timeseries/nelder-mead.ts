/** Options of `minimizeBounded`. */
export interface NelderMeadOptions {
  /** most objective evaluations @defaultValue 200 per dimension */
  maxEvaluations?: number;
  /** stop when the simplex's values differ by less than this (absolute + relative) @defaultValue 1e-10 */
  tolerance?: number;
  /** initial simplex edge as a fraction of each box width @defaultValue 0.1 */
  step?: number;
}

/** The best point found and its value. */
export interface MinimizeResult {
  x: Float64Array;
  value: number;
  evaluations: number;
}

/**
 * Nelder-Mead (Lagarias et al. coefficients) inside a box: every trial point
 * is clipped onto [lower, upper], so the optimum may sit exactly on a bound
 * (a smoothing parameter of 0 or 1 is common). Restarts once from the
 * result, the usual remedy for a collapsed simplex.
 */
export function minimizeBounded(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const n = x0.length;
  const clip = (x: Float64Array): Float64Array => {
    for (let j = 0; j < n; j++) x[j] = Math.min(upper[j], Math.max(lower[j], x[j]));
    return x;
  };
  let evaluations = 0;
  const maxEvaluations = options.maxEvaluations ?? 200 * Math.max(n, 1);
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.step ?? 0.1;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };

  let best = clip(Float64Array.from(x0));
  let bestValue = evaluate(best);
  if (n === 0) return { x: best, value: bestValue, evaluations };

  for (let restart = 0; restart < 2 && evaluations < maxEvaluations; restart++) {
    const simplex: Float64Array[] = [best];
    const values: number[] = [bestValue];
    for (let j = 0; j < n; j++) {
      const p = Float64Array.from(best);
      const width = upper[j] - lower[j];
      const delta = step * (Number.isFinite(width) ? width : Math.max(1, Math.abs(p[j])));
      // step away from the nearer bound so the vertex differs from the start
      p[j] += p[j] + delta <= upper[j] ? delta : -delta;
      clip(p);
      simplex.push(p);
      values.push(evaluate(p));
    }
    while (evaluations < maxEvaluations) {
      const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
      const s = order.map((i) => simplex[i]);
      const v = order.map((i) => values[i]);
      simplex.splice(0, simplex.length, ...s);
      values.splice(0, values.length, ...v);
      const spread = Math.abs(values[n] - values[0]);
      if (spread <= tolerance * (1 + Math.abs(values[0]))) break;

      const centroid = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
      const toward = (t: number): Float64Array => {
        const p = new Float64Array(n);
        for (let j = 0; j < n; j++) p[j] = centroid[j] + t * (simplex[n][j] - centroid[j]);
        return clip(p);
      };
      const reflected = toward(-1);
      const fr = evaluate(reflected);
      if (fr < values[0]) {
        const expanded = toward(-2);
        const fe = evaluate(expanded);
        if (fe < fr) {
          simplex[n] = expanded;
          values[n] = fe;
        } else {
          simplex[n] = reflected;
          values[n] = fr;
        }
      } else if (fr < values[n - 1]) {
        simplex[n] = reflected;
        values[n] = fr;
      } else {
        const contracted = fr < values[n] ? toward(-0.5) : toward(0.5);
        const fc = evaluate(contracted);
        if (fc < Math.min(fr, values[n])) {
          simplex[n] = contracted;
          values[n] = fc;
        } else {
          for (let i = 1; i <= n; i++) {
            for (let j = 0; j < n; j++) simplex[i][j] = simplex[0][j] + 0.5 * (simplex[i][j] - simplex[0][j]);
            values[i] = evaluate(simplex[i]);
          }
        }
      }
    }
    let k = 0;
    for (let i = 1; i < values.length; i++) if (values[i] < values[k]) k = i;
    if (values[k] <= bestValue) {
      best = simplex[k];
      bestValue = values[k];
    }
  }
  return { x: best, value: bestValue, evaluations };
}
