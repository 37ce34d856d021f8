import { DataError } from '../base/errors.js';

/** A sensitive-feature value; null, undefined and NaN all mean "not recorded" and form one group. */
export type SensitiveValue = string | number | null | undefined;

/** A group's identity in JSON: the sensitive value itself, null for the not-recorded group. */
export type GroupKey = string | number | null;

/** Confusion counts and rates of one group (or of all rows), plain JSON. */
export interface GroupRates {
  /** rows in the group */
  count: number;
  /** rows whose true label is the positive label */
  positives: number;
  /** rows whose true label is not the positive label */
  negatives: number;
  /** rows predicted positive */
  selected: number;
  /** selected / count (Fairlearn's selection_rate) */
  selection_rate: number;
  /** true positives / positives; null when the group has no positive row */
  true_positive_rate: number | null;
  /** false positives / negatives; null when the group has no negative row */
  false_positive_rate: number | null;
  /** share of rows whose predicted label equals the true label */
  accuracy: number;
}

/** {@link GroupRates} of one sensitive group. */
export interface GroupRatesOf extends GroupRates {
  group: GroupKey;
}

/** Options shared by the fairness functions. */
export interface FairnessOptions {
  /**
   * The favourable label: a prediction equal to it is a selection, a true
   * label equal to it a positive. Other labels all count as negative, so
   * multiclass labels are read one-vs-rest.
   * @defaultValue 1
   */
  posLabel?: number;
}

function groupKey(v: SensitiveValue): GroupKey {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  return v;
}

/** numbers ascending, then strings in code-unit order, then the not-recorded group */
function compareKeys(a: GroupKey, b: GroupKey): number {
  const rank = (k: GroupKey): number => (typeof k === 'number' ? 0 : typeof k === 'string' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a === null || b === null) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Validates the three arrays and the positive label; returns the positive label. */
export function checkFairnessInputs(
  what: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: FairnessOptions,
): number {
  const posLabel = options.posLabel ?? 1;
  if (typeof posLabel !== 'number' || !Number.isFinite(posLabel)) {
    throw new DataError(`${what}: pos_label must be a finite number, got ${JSON.stringify(posLabel)}`);
  }
  if (yTrue.length !== yPred.length || yTrue.length !== sensitive.length) {
    throw new DataError(
      `${what}: found input variables with inconsistent numbers of samples: y_true has ${yTrue.length}, y_pred has ${yPred.length}, sensitive_features has ${sensitive.length}`,
    );
  }
  if (yTrue.length === 0) throw new DataError(`${what}: found empty input (0 samples); at least 1 is required`);
  for (const [name, y] of [['y_true', yTrue], ['y_pred', yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i])) throw new DataError(`${what}: ${name} contains ${Number.isNaN(y[i]) ? 'NaN' : 'infinity'} at index ${i}`);
    }
  }
  return posLabel;
}

function rates(count: number, positives: number, selected: number, truePositives: number, falsePositives: number, correct: number): GroupRates {
  const negatives = count - positives;
  return {
    count,
    positives,
    negatives,
    selected,
    selection_rate: selected / count,
    true_positive_rate: positives === 0 ? null : truePositives / positives,
    false_positive_rate: negatives === 0 ? null : falsePositives / negatives,
    accuracy: correct / count,
  };
}

/**
 * Per-group selection rate, true and false positive rates, accuracy and
 * counts (Fairlearn's MetricFrame.by_group with selection_rate,
 * true_positive_rate, false_positive_rate, accuracy_score and count), plus
 * the same over all rows.
 */
export function groupRates(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  sensitive: ArrayLike<SensitiveValue>,
  options: FairnessOptions = {},
): { overall: GroupRates; byGroup: GroupRatesOf[] } {
  const posLabel = checkFairnessInputs('groupRates', yTrue, yPred, sensitive, options);
  const index = new Map<string, number>();
  const keys: GroupKey[] = [];
  const codes = new Int32Array(yTrue.length);
  for (let i = 0; i < sensitive.length; i++) {
    const key = groupKey(sensitive[i]);
    const id = key === null ? 'null' : `${typeof key}:${key}`;
    let code = index.get(id);
    if (code === undefined) {
      code = keys.length;
      index.set(id, code);
      keys.push(key);
    }
    codes[i] = code;
  }
  const g = keys.length;
  // per group: count, positives, selected, true positives, false positives, correct
  const tally = new Float64Array(6 * (g + 1));
  const add = (o: number, pos: number, sel: number, ok: number): void => {
    tally[o]++;
    tally[o + 1] += pos;
    tally[o + 2] += sel;
    tally[o + 3] += pos & sel;
    tally[o + 4] += sel & (1 - pos);
    tally[o + 5] += ok;
  };
  for (let i = 0; i < yTrue.length; i++) {
    const pos = yTrue[i] === posLabel ? 1 : 0;
    const sel = yPred[i] === posLabel ? 1 : 0;
    const ok = yTrue[i] === yPred[i] ? 1 : 0;
    add(6 * codes[i], pos, sel, ok);
    add(6 * g, pos, sel, ok);
  }
  const at = (k: number): GroupRates => rates(tally[6 * k], tally[6 * k + 1], tally[6 * k + 2], tally[6 * k + 3], tally[6 * k + 4], tally[6 * k + 5]);
  const order = keys.map((_, k) => k).sort((a, b) => compareKeys(keys[a], keys[b]));
  return { overall: at(g), byGroup: order.map((k) => ({ group: keys[k], ...at(k) })) };
}
