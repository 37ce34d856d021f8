import { expect } from 'chai';
import { DataError, ParameterError } from '../../../../src/ml/base/errors.js';
import { createMatrix } from '../../../../src/ml/base/matrix.js';
import {
  checkCv,
  createSplitter,
  GroupKFold,
  KFold,
  ShuffleSplit,
  StratifiedKFold,
  StratifiedShuffleSplit,
  TimeSeriesSplit,
  trainTestSplit,
  type Fold,
} from '../../../../src/ml/model-selection/index.js';

const plain = (folds: Iterable<Fold>) => [...folds].map(([tr, te]) => [Array.from(tr), Array.from(te)]);

function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const [train, test] of folds) {
    expect(train.length + test.length).to.equal(n);
    const inTest = new Set(test);
    for (const i of train) expect(inTest.has(i)).to.equal(false);
    for (let k = 1; k < test.length; k++) expect(test[k]).to.be.greaterThan(test[k - 1]);
    for (let k = 1; k < train.length; k++) expect(train[k]).to.be.greaterThan(train[k - 1]);
    for (const i of test) seen[i]++;
  }
  expect(Array.from(seen).every((c) => c === 1), 'each sample is tested exactly once').to.equal(true);
}

function classCounts(y: Float64Array, idx: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const i of idx) m.set(y[i], (m.get(y[i]) ?? 0) + 1);
  return m;
}

describe('KFold', () => {
  it('rejects an n_splits of 1 naming the parameter', () => {
    expect(() => new KFold({ n_splits: 1 })).to.throw(ParameterError, "The 'n_splits' parameter of KFold must be an int >= 2. Got 1 instead.");
  });

  it('rejects an unknown parameter', () => {
    expect(() => new KFold({ n_fold: 3 } as never)).to.throw(ParameterError, /Unknown parameter 'n_fold' for KFold/);
  });

  it('rejects a random_state without shuffle, as scikit-learn', () => {
    expect(() => new KFold({ random_state: 3 })).to.throw(ParameterError, /random_state has no effect since shuffle is false/);
  });

  it('refuses more splits than samples, naming both numbers', () => {
    expect(() => new KFold({ n_splits: 5 }).split(3)).to.throw(DataError, /n_splits=5 greater than the number of samples: n_samples=3/);
  });

  it('accepts a Matrix as X and partitions its rows', () => {
    const folds = [...new KFold({ n_splits: 4 }).split(createMatrix(10, 2))];
    expect(folds).to.have.lengthOf(4);
    expectPartition(folds, 10);
  });

  it('shuffles reproducibly for a seed and differently for another', () => {
    const a = plain(new KFold({ n_splits: 3, shuffle: true, random_state: 11 }).split(30));
    const b = plain(new KFold({ n_splits: 3, shuffle: true, random_state: 11 }).split(30));
    const c = plain(new KFold({ n_splits: 3, shuffle: true, random_state: 12 }).split(30));
    const unshuffled = plain(new KFold({ n_splits: 3 }).split(30));
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    expect(a).to.not.deep.equal(unshuffled);
    expect(a.map(([, te]) => te.length)).to.deep.equal([10, 10, 10]);
  });

  it('shuffles with seed 0 when shuffle is set without a random_state', () => {
    const implicit = plain(new KFold({ n_splits: 3, shuffle: true }).split(12));
    const explicit = plain(new KFold({ n_splits: 3, shuffle: true, random_state: 0 }).split(12));
    expect(implicit).to.deep.equal(explicit);
  });

  it('reports its params as plain JSON', () => {
    expect(new KFold({ n_splits: 3 }).getParams()).to.deep.equal({ n_splits: 3, shuffle: false, random_state: null });
  });
});

describe('StratifiedKFold', () => {
  const y = Float64Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 1 : 0));

  it('needs y', () => {
    expect(() => new StratifiedKFold({ n_splits: 3 }).split(30)).to.throw(DataError, /needs y/);
  });

  it('rejects a y whose length differs from X', () => {
    expect(() => new StratifiedKFold({ n_splits: 3 }).split(29, y)).to.throw(DataError, /X has 29, y has 30/);
  });

  it('refuses a class with fewer members than n_splits, naming the class and its count', () => {
    const rare = Float64Array.from([0, 0, 0, 0, 0, 0, 7, 7, 0, 0]);
    expect(() => new StratifiedKFold({ n_splits: 3 }).split(10, rare)).to.throw(DataError, /class 7 \(2\)/);
  });

  it('keeps the class shares in every shuffled test fold, reproducibly', () => {
    const make = () => [...new StratifiedKFold({ n_splits: 5, shuffle: true, random_state: 4 }).split(30, y)];
    const folds = make();
    expectPartition(folds, 30);
    for (const [, test] of folds) {
      const counts = classCounts(y, test);
      expect(counts.get(1)).to.equal(2);
      expect(counts.get(0)).to.equal(4);
    }
    expect(plain(folds)).to.deep.equal(plain(make()));
    expect(plain(folds)).to.not.deep.equal(plain(new StratifiedKFold({ n_splits: 5 }).split(30, y)));
  });
});

describe('GroupKFold', () => {
  const groups = ['a', 'b', 'a', 'c', 'd', 'b', 'e', 'e', 'a', 'c'];

  it('needs groups', () => {
    expect(() => new GroupKFold({ n_splits: 2 }).split(10)).to.throw(DataError, /needs 'groups'/);
  });

  it('never puts one group in two test folds', () => {
    const folds = [...new GroupKFold({ n_splits: 3 }).split(10, undefined, groups)];
    expectPartition(folds, 10);
    const foldOf = new Map<string, number>();
    folds.forEach(([, test], f) => {
      for (const i of test) {
        expect(foldOf.get(groups[i]) ?? f).to.equal(f);
        foldOf.set(groups[i], f);
      }
    });
  });

  it('names a NaN group label and its index', () => {
    expect(() => new GroupKFold({ n_splits: 2 }).split(3, undefined, [1, NaN, 2])).to.throw(DataError, /GroupKFold: groups contains NaN at index 1/);
  });

  it('refuses more splits than groups', () => {
    expect(() => new GroupKFold({ n_splits: 6 }).split(10, undefined, groups)).to.throw(DataError, /greater than the number of groups: 5/);
  });
});

describe('TimeSeriesSplit', () => {
  it('trains only on samples before the gap that precedes each test fold', () => {
    for (const [train, test] of new TimeSeriesSplit({ n_splits: 3, gap: 2, test_size: 3 }).split(20)) {
      expect(train[train.length - 1] + 2).to.be.lessThan(test[0]);
    }
  });

  it('refuses too many splits for the series length', () => {
    expect(() => new TimeSeriesSplit({ n_splits: 4, test_size: 5 }).split(20)).to.throw(DataError, /too many splits=4 for number of samples=20/);
  });

  it('rejects a negative gap naming the parameter', () => {
    expect(() => new TimeSeriesSplit({ gap: -1 })).to.throw(ParameterError, /'gap' parameter of TimeSeriesSplit must be an int >= 0/);
  });
});

describe('ShuffleSplit', () => {
  it('rounds the test size up and the train size down, as scikit-learn', () => {
    const [[train, test]] = [...new ShuffleSplit({ n_splits: 1, test_size: 0.25, train_size: 0.5 }).split(11)];
    expect(test.length).to.equal(3);
    expect(train.length).to.equal(5);
  });

  it('gives disjoint, reproducible splits that differ across repeats', () => {
    const a = plain(new ShuffleSplit({ n_splits: 3, test_size: 4, random_state: 9 }).split(20));
    expect(a).to.deep.equal(plain(new ShuffleSplit({ n_splits: 3, test_size: 4, random_state: 9 }).split(20)));
    expect(a[0]).to.not.deep.equal(a[1]);
    for (const [train, test] of a) {
      expect(train.length).to.equal(16);
      expect(train.filter((i) => test.includes(i))).to.deep.equal([]);
    }
  });

  it('rejects a test_size of 1.5 naming the parameter', () => {
    expect(() => new ShuffleSplit({ test_size: 1.5 })).to.throw(ParameterError, /'test_size' parameter of ShuffleSplit/);
  });

  it('rejects sizes that add up to more than the samples', () => {
    expect(() => new ShuffleSplit({ test_size: 6, train_size: 6 }).split(10)).to.throw(ParameterError, /sum of train_size and test_size = 12/);
  });
});

describe('StratifiedShuffleSplit', () => {
  it('keeps the class shares in train and test', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => (i < 10 ? 2 : 0));
    for (const [train, test] of new StratifiedShuffleSplit({ n_splits: 3, test_size: 0.2, random_state: 1 }).split(40, y)) {
      expect(classCounts(y, test).get(2)).to.equal(2);
      expect(classCounts(y, train).get(2)).to.equal(8);
    }
  });

  it('refuses a class with a single member', () => {
    const y = Float64Array.from([0, 0, 0, 1, 0, 0]);
    expect(() => new StratifiedShuffleSplit({ test_size: 2 }).split(6, y)).to.throw(DataError, /least populated class in y \(1\) has only 1 member/);
  });
});

describe('trainTestSplit', () => {
  it('holds out a quarter by default', () => {
    const [train, test] = trainTestSplit(100);
    expect(test.length).to.equal(25);
    expect(train.length).to.equal(75);
  });

  it('keeps the order without shuffle', () => {
    const [train, test] = trainTestSplit(10, { test_size: 0.2, shuffle: false });
    expect(Array.from(train)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(test)).to.deep.equal([8, 9]);
  });

  it('stratifies on the given labels', () => {
    const y = Float64Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const [train, test] = trainTestSplit(50, { test_size: 0.2, stratify: y, random_state: 3 });
    expect(classCounts(y, test).get(1)).to.equal(2);
    expect(classCounts(y, train).get(1)).to.equal(8);
  });

  it('is reproducible for a seed', () => {
    expect(plain([trainTestSplit(30, { random_state: 5 })])).to.deep.equal(plain([trainTestSplit(30, { random_state: 5 })]));
    expect(plain([trainTestSplit(30, { random_state: 5 })])).to.not.deep.equal(plain([trainTestSplit(30, { random_state: 6 })]));
  });

  it('refuses to stratify without shuffling', () => {
    expect(() => trainTestSplit(10, { shuffle: false, stratify: new Float64Array(10) })).to.throw(ParameterError, /shuffle=false/);
  });
});

describe('checkCv and createSplitter', () => {
  it('turns a number of folds into StratifiedKFold for classification and KFold for regression', () => {
    expect(checkCv(3, 'classification')).to.be.instanceOf(StratifiedKFold);
    expect(checkCv(3, 'regression')).to.be.instanceOf(KFold);
    expect(checkCv(undefined, 'timeseries')).to.be.instanceOf(TimeSeriesSplit);
    expect(checkCv(undefined, 'regression').getNSplits()).to.equal(5);
  });

  it('passes a splitter through', () => {
    const s = new GroupKFold({ n_splits: 2 });
    expect(checkCv(s, 'classification')).to.equal(s);
  });

  it('rebuilds any splitter from its kind and params', () => {
    const y = Float64Array.from({ length: 24 }, (_, i) => i % 2);
    const groups = Float64Array.from({ length: 24 }, (_, i) => i % 6);
    const splitters = [
      new KFold({ n_splits: 3, shuffle: true, random_state: 2 }),
      new StratifiedKFold({ n_splits: 4 }),
      new GroupKFold({ n_splits: 3 }),
      new TimeSeriesSplit({ n_splits: 3, gap: 1 }),
      new ShuffleSplit({ n_splits: 2, test_size: 5, random_state: 1 }),
      new StratifiedShuffleSplit({ n_splits: 2, test_size: 0.25 }),
    ];
    for (const s of splitters) {
      const copy = createSplitter(s.kind, JSON.parse(JSON.stringify(s.getParams())));
      expect(copy.name).to.equal(s.name);
      expect(plain(copy.split(24, y, groups)), s.name).to.deep.equal(plain(s.split(24, y, groups)));
    }
  });

  it('rejects an unknown splitter name listing the known ones', () => {
    expect(() => createSplitter('leave_one_out')).to.throw(ParameterError, /Unknown splitter 'leave_one_out'. Known splitters: k_fold, stratified_k_fold/);
  });
});
