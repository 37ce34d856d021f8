import { AbortError, DataError, NotFittedError, ParameterError } from '../base/errors.js';
import { estimatorJSON, type EstimatorJSON, type FitOptions, type Forecaster } from '../base/estimator.js';
import { checkBoolean, checkChoice, checkNumber, withDefaults, type Params } from '../base/params.js';
import { minimizeBounded } from './nelder-mead.js';
import { checkHorizon, checkPositive, checkSeries, readNumber, readNumbers } from './series-checks.js';

export type Component = 'add' | 'mul';

/** Hyperparameters of `holt_winters` (statsmodels ExponentialSmoothing names). */
export interface HoltWintersParams extends Params {
  /** trend component @defaultValue null (none) */
  trend: Component | null;
  /** damp the trend towards flat (needs a trend) @defaultValue false */
  damped_trend: boolean;
  /** seasonal component (needs seasonal_periods) @defaultValue null (none) */
  seasonal: Component | null;
  /** observations per season, e.g. 12 for monthly data @defaultValue null */
  seasonal_periods: number | null;
  /** alpha in [0, 1]; null fits it by least squares @defaultValue null */
  smoothing_level: number | null;
  /** beta* in [0, 1]; null fits it @defaultValue null */
  smoothing_trend: number | null;
  /** gamma in [0, 1]; null fits it @defaultValue null */
  smoothing_seasonal: number | null;
  /** phi in (0, 1]; null fits it in [0.8, 0.995] @defaultValue null */
  damping_trend: number | null;
}

const DEFAULTS: HoltWintersParams = {
  trend: null,
  damped_trend: false,
  seasonal: null,
  seasonal_periods: null,
  smoothing_level: null,
  smoothing_trend: null,
  smoothing_seasonal: null,
  damping_trend: null,
};

/** The four smoothing parameters in use (alpha, beta, gamma, phi); unused ones are 0 (phi 1). */
export interface Smoothing {
  smoothing_level: number;
  smoothing_trend: number;
  smoothing_seasonal: number;
  damping_trend: number;
}

/** Level, trend and seasonal states; the trend is 0 (additive) or 1 (multiplicative) when absent. */
interface States {
  level: number;
  trend: number;
  /** season[t % m] is the seasonal state for time t */
  season: Float64Array;
}

interface Fitted extends States {
  smoothing: Smoothing;
  initial: States;
  nobs: number;
  sse: number;
}

const NAME = 'HoltWinters';
const PHI_BOUNDS: [number, number] = [0.8, 0.995];

/**
 * Holt-Winters exponential smoothing with additive or multiplicative trend and
 * seasonality, optionally damped, in the error-correction form of Hyndman &
 * Athanasopoulos (fpp, ch. 7) as statsmodels implements it:
 *
 *   l_t = a (y_t (-|/) s_t) + (1 - a)(l_{t-1} (+|*) b_{t-1}^phi)
 *   b_t = b* (l_t (-|/) l_{t-1}) + (1 - b*) phi(b_{t-1})
 *   s_{t+m} = g (y_t (-|/) (l_{t-1} (+|*) phi(b_{t-1}))) + (1 - g) s_t
 *
 * Initial states are the simple ones of fpp 7.6: level = mean of the first
 * season (or y_0), trend = mean per-step change between the first two seasons
 * (or y_1 - y_0, y_1 / y_0), seasonals = first season minus (over) the level.
 * Smoothing parameters not given are chosen to minimise the one-step SSE:
 * a grid search, then bounded Nelder-Mead.
 */
export class HoltWinters implements Forecaster {
  readonly type = 'holt_winters';
  readonly task = 'timeseries';
  private readonly params: HoltWintersParams;
  private fitted?: Fitted;

  constructor(params: Params = {}) {
    const p = withDefaults(NAME, DEFAULTS, params);
    if (p.trend !== null) checkChoice(NAME, 'trend', p.trend, ['add', 'mul'] as const);
    if (p.seasonal !== null) checkChoice(NAME, 'seasonal', p.seasonal, ['add', 'mul'] as const);
    checkBoolean(NAME, 'damped_trend', p.damped_trend);
    checkNumber(NAME, 'seasonal_periods', p.seasonal_periods, { kind: 'int', min: 2, nullable: true });
    for (const name of ['smoothing_level', 'smoothing_trend', 'smoothing_seasonal'] as const) {
      checkNumber(NAME, name, p[name], { kind: 'float', min: 0, max: 1, nullable: true });
    }
    checkNumber(NAME, 'damping_trend', p.damping_trend, { kind: 'float', gt: 0, max: 1, nullable: true });
    const needs = (name: string, what: string, ok: boolean): void => {
      if (!ok) throw new ParameterError(`The '${name}' parameter of ${NAME} ${what}. Got ${JSON.stringify(p[name])} instead.`, name);
    };
    needs('seasonal', "needs 'seasonal_periods'", p.seasonal === null || p.seasonal_periods !== null);
    needs('seasonal_periods', "is only used with 'seasonal' set to 'add' or 'mul'", p.seasonal_periods === null || p.seasonal !== null);
    needs('damped_trend', "needs 'trend' set to 'add' or 'mul'", !p.damped_trend || p.trend !== null);
    needs('smoothing_trend', "is only used with a 'trend'", p.smoothing_trend === null || p.trend !== null);
    needs('smoothing_seasonal', "is only used with a 'seasonal' component", p.smoothing_seasonal === null || p.seasonal !== null);
    needs('damping_trend', "is only used with 'damped_trend' true", p.damping_trend === null || p.damped_trend);
    this.params = p;
  }

  /** The smallest series `fit` accepts: two full seasons, else 3 values with a trend, else 2. */
  get minLength(): number {
    const p = this.params;
    return p.seasonal ? 2 * (p.seasonal_periods as number) : p.trend ? 3 : 2;
  }

  fit(y: Float64Array, options?: FitOptions): this {
    const p = this.params;
    const min = this.minLength;
    checkSeries(NAME, y, min, p.seasonal ? `seasonal_periods=${p.seasonal_periods} needs at least ${min} (two full seasons)` : `needs at least ${min}`);
    if (p.seasonal === 'mul') checkPositive(NAME, y, "seasonal='mul'");
    if (p.trend === 'mul') checkPositive(NAME, y, "trend='mul'");
    if (options?.signal?.aborted) throw new AbortError();

    const initial = this.initialStates(y);
    const free: Array<keyof Smoothing> = [];
    if (p.smoothing_level === null) free.push('smoothing_level');
    if (p.trend && p.smoothing_trend === null) free.push('smoothing_trend');
    if (p.seasonal && p.smoothing_seasonal === null) free.push('smoothing_seasonal');
    if (p.damped_trend && p.damping_trend === null) free.push('damping_trend');
    const fixed: Smoothing = {
      smoothing_level: p.smoothing_level ?? 0,
      smoothing_trend: p.trend ? (p.smoothing_trend ?? 0) : 0,
      smoothing_seasonal: p.seasonal ? (p.smoothing_seasonal ?? 0) : 0,
      damping_trend: p.damped_trend ? (p.damping_trend ?? 1) : 1,
    };
    const withFree = (x: ArrayLike<number>): Smoothing => {
      const s = { ...fixed };
      free.forEach((name, j) => (s[name] = x[j]));
      return s;
    };
    let smoothing = fixed;
    if (free.length > 0) {
      const lower = free.map((name) => (name === 'damping_trend' ? PHI_BOUNDS[0] : 0));
      const upper = free.map((name) => (name === 'damping_trend' ? PHI_BOUNDS[1] : 1));
      const sse = (x: ArrayLike<number>): number => this.smooth(y, withFree(x), initial).sse;
      const start = gridStart(free, sse);
      smoothing = withFree(minimizeBounded(sse, start, lower, upper, { maxEvaluations: 400 * free.length }).x);
    }
    const run = this.smooth(y, smoothing, initial);
    if (!Number.isFinite(run.sse)) {
      throw new DataError(`${NAME}: the smoothing recursions diverged on this series (a multiplicative level or trend reached 0 or below)`);
    }
    this.fitted = { ...run, smoothing, initial, nobs: y.length };
    options?.onProgress?.({ step: 1, total: 1, values: { sse: run.sse } });
    return this;
  }

  forecast(horizon: number): Float64Array {
    const f = this.requireFitted();
    checkHorizon(NAME, horizon);
    const { trend, seasonal } = this.params;
    const phi = f.smoothing.damping_trend;
    const m = f.season.length;
    const out = new Float64Array(horizon);
    let phiSum = 0;
    let phiPow = 1;
    for (let h = 1; h <= horizon; h++) {
      phiPow *= phi;
      phiSum += phiPow;
      let v = f.level;
      if (trend === 'add') v += phiSum * f.trend;
      else if (trend === 'mul') v *= f.trend ** phiSum;
      if (seasonal) {
        const s = f.season[(f.nobs + h - 1) % m];
        v = seasonal === 'add' ? v + s : v * s;
      }
      out[h - 1] = v;
    }
    return out;
  }

  /** The smoothing parameters of the fit (given or estimated). */
  smoothingParams(): Smoothing {
    return { ...this.requireFitted().smoothing };
  }

  /** Sum of squared one-step-ahead errors over the training series. */
  get sse(): number {
    return this.requireFitted().sse;
  }

  getParams(): Params {
    return { ...this.params };
  }

  clone(): HoltWinters {
    return new HoltWinters(this.getParams());
  }

  toJSON(): EstimatorJSON {
    const f = this.requireFitted();
    return estimatorJSON(this.type, this.getParams(), {
      nobs: f.nobs,
      sse: f.sse,
      smoothing: { ...f.smoothing },
      level: f.level,
      trend: f.trend,
      season: Array.from(f.season),
      initialLevel: f.initial.level,
      initialTrend: f.initial.trend,
      initialSeason: Array.from(f.initial.season),
    });
  }

  static fromJSON(json: EstimatorJSON): HoltWinters {
    if (json.type !== 'holt_winters') throw new DataError(`${NAME}: not a saved holt_winters model (type ${String(json.type)})`);
    const model = new HoltWinters(json.params);
    const s = (json.state ?? {}) as Record<string, unknown>;
    const m = model.params.seasonal ? (model.params.seasonal_periods as number) : 0;
    const nobs = s.nobs;
    if (!Number.isInteger(nobs) || (nobs as number) < 1) throw new DataError(`${NAME}: the saved 'nobs' should be a positive int`);
    const sm = (s.smoothing ?? {}) as Record<string, unknown>;
    model.fitted = {
      nobs: nobs as number,
      sse: readNumber(NAME, 'sse', s.sse),
      smoothing: {
        smoothing_level: readNumber(NAME, 'smoothing.smoothing_level', sm.smoothing_level),
        smoothing_trend: readNumber(NAME, 'smoothing.smoothing_trend', sm.smoothing_trend),
        smoothing_seasonal: readNumber(NAME, 'smoothing.smoothing_seasonal', sm.smoothing_seasonal),
        damping_trend: readNumber(NAME, 'smoothing.damping_trend', sm.damping_trend),
      },
      level: readNumber(NAME, 'level', s.level),
      trend: readNumber(NAME, 'trend', s.trend),
      season: readNumbers(NAME, 'season', s.season, m),
      initial: {
        level: readNumber(NAME, 'initialLevel', s.initialLevel),
        trend: readNumber(NAME, 'initialTrend', s.initialTrend),
        season: readNumbers(NAME, 'initialSeason', s.initialSeason, m),
      },
    };
    return model;
  }

  private requireFitted(): Fitted {
    if (!this.fitted) throw new NotFittedError(NAME);
    return this.fitted;
  }

  private initialStates(y: Float64Array): States {
    const { trend, seasonal } = this.params;
    if (!seasonal) {
      return { level: y[0], trend: trend === 'add' ? y[1] - y[0] : trend === 'mul' ? y[1] / y[0] : 0, season: new Float64Array(0) };
    }
    const m = this.params.seasonal_periods as number;
    let first = 0;
    let second = 0;
    for (let j = 0; j < m; j++) {
      first += y[j] / m;
      second += y[m + j] / m;
    }
    const season = new Float64Array(m);
    for (let j = 0; j < m; j++) season[j] = seasonal === 'add' ? y[j] - first : y[j] / first;
    // the mean per-step change between the first two seasons, as a difference or a ratio
    const b = trend === 'add' ? (second - first) / m : trend === 'mul' ? (second / first) ** (1 / m) : 0;
    return { level: first, trend: b, season };
  }

  /** Runs the recursions over y; returns the final states and the one-step SSE (Infinity if they break down). */
  private smooth(y: Float64Array, s: Smoothing, initial: States): States & { sse: number } {
    const { trend, seasonal } = this.params;
    const { smoothing_level: a, smoothing_trend: beta, smoothing_seasonal: g, damping_trend: phi } = s;
    const season = Float64Array.from(initial.season);
    const m = season.length;
    let l = initial.level;
    let b = initial.trend;
    let sse = 0;
    for (let t = 0; t < y.length; t++) {
      // level plus damped trend: the one-step forecast before the season
      const damped = trend === 'add' ? phi * b : trend === 'mul' ? b ** phi : 0;
      const base = trend === 'add' ? l + damped : trend === 'mul' ? l * damped : l;
      const st = m > 0 ? season[t % m] : 0;
      const yhat = seasonal === 'add' ? base + st : seasonal === 'mul' ? base * st : base;
      sse += (y[t] - yhat) ** 2;
      const deseasoned = seasonal === 'add' ? y[t] - st : seasonal === 'mul' ? y[t] / st : y[t];
      const prev = l;
      l = a * deseasoned + (1 - a) * base;
      if (trend === 'add') b = beta * (l - prev) + (1 - beta) * damped;
      else if (trend === 'mul') b = beta * (l / prev) + (1 - beta) * damped;
      if (seasonal === 'add') season[t % m] = g * (y[t] - base) + (1 - g) * st;
      else if (seasonal === 'mul') season[t % m] = g * (y[t] / base) + (1 - g) * st;
    }
    if (!Number.isFinite(sse) || !Number.isFinite(l) || !Number.isFinite(b)) sse = Infinity;
    return { level: l, trend: b, season, sse };
  }
}

/**
 * The best point of a coarse grid over the free parameters, a start for
 * Nelder-Mead that avoids most poor local minima (statsmodels' `use_brute`).
 */
function gridStart(free: ReadonlyArray<keyof Smoothing>, sse: (x: ArrayLike<number>) => number): Float64Array {
  const axes = free.map((name) => (name === 'damping_trend' ? [0.85, 0.95, 0.99] : [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]));
  const x = new Float64Array(free.length);
  let best = Float64Array.from(axes, (a) => a[0]);
  let bestValue = Infinity;
  const visit = (j: number): void => {
    if (j === free.length) {
      const v = sse(x);
      if (v < bestValue) {
        bestValue = v;
        best = Float64Array.from(x);
      }
      return;
    }
    for (const v of axes[j]) {
      x[j] = v;
      visit(j + 1);
    }
  };
  visit(0);
  return best;
}
