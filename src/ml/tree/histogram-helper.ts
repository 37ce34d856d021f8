import { accumulateHistogram } from './histogram-kernel.js';

/** Slots of the shared control block. */
const SEQ = 0;
const DONE = 1;
const READY = 2;
const KIND = 3;
const SLOT = 4;
const START = 5;
const COUNT = 6;
const ALL_ROWS = 7;
const NF = 8;
const BLOCK = 9;
/** (task sequence & 0xffff) << 16 | blocks << 8 | next unclaimed block */
const CLAIM = 10;
const CTRL_SIZE = 11;

const TASK_HIST = 1;
const TASK_EXIT = 2;

/** Busy-wait this many polls before sleeping on a futex: tasks come every few microseconds during a tree. */
const SPIN = 2000;

/** The memory a histogram helper thread shares with the fitting thread (all on SharedArrayBuffers). */
export interface HistogramShared {
  codes: Uint8Array;
  rows: number;
  offsets: Int32Array;
  /** the node row lists, as partitioned by the fitting thread */
  idx: Int32Array;
  /** the node's (g, h) pairs in row order */
  ordered: Float64Array;
  /** `slotCount` histograms of `histSize` doubles */
  slots: Float64Array;
  histSize: number;
  /** features of the current tree */
  features: Int32Array;
  ctrl: Int32Array;
}

export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CTRL_SIZE * 4));
}

function waitFor(ctrl: Int32Array, index: number, notEqual: number, timeoutMs: number): boolean {
  for (let s = 0; s < SPIN; s++) if (Atomics.load(ctrl, index) !== notEqual) return true;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(ctrl, index) === notEqual) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(ctrl, index, notEqual, Math.min(left, 1000));
  }
  return true;
}

/**
 * Claims the next unclaimed feature block of task `seq`, or -1 when the task
 * is finished or superseded. One compare-and-swap on a word holding the
 * task number, the block count and the next block, so a thread that woke up
 * late cannot take work from a newer task.
 */
function claim(ctrl: Int32Array, seq: number): number {
  for (;;) {
    const w = Atomics.load(ctrl, CLAIM);
    if (w >>> 16 !== (seq & 0xffff)) return -1;
    const next = w & 255;
    if (next >= ((w >>> 8) & 255)) return -1;
    if (Atomics.compareExchange(ctrl, CLAIM, w, w + 1) === w) return next;
  }
}

function runBlock(s: HistogramShared, views: Float64Array[], b: number): void {
  const { ctrl } = s;
  const nf = ctrl[NF];
  const bs = ctrl[BLOCK];
  const from = b * bs;
  accumulateHistogram(s.codes, s.rows, s.offsets, s.features, from, Math.min(nf, from + bs), ctrl[ALL_ROWS] === 1 ? null : s.idx, ctrl[START], ctrl[COUNT], s.ordered, views[ctrl[SLOT]]);
}

/**
 * Helper-thread side: takes feature blocks of each histogram task it sees
 * until told to exit. Runs inside a worker's message handler, blocking that
 * worker for the fit. A helper that is slow to wake (a busy machine) finds
 * the blocks already taken and costs the fitting thread nothing.
 */
export function serveHistograms(s: HistogramShared): void {
  const { ctrl } = s;
  const views: Float64Array[] = [];
  for (let o = 0; o + s.histSize <= s.slots.length; o += s.histSize) views.push(s.slots.subarray(o, o + s.histSize));
  let last = Atomics.load(ctrl, SEQ);
  // the fitting thread gave up waiting before this thread came up
  if (Atomics.load(ctrl, KIND) === TASK_EXIT) return;
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  for (;;) {
    if (!waitFor(ctrl, SEQ, last, 600_000)) {
      // the fitting thread vanished without saying goodbye; free this worker
      if (Atomics.load(ctrl, SEQ) === last) return;
    }
    last = Atomics.load(ctrl, SEQ);
    if (Atomics.load(ctrl, KIND) === TASK_EXIT) return;
    for (let b = claim(ctrl, last); b >= 0; b = claim(ctrl, last)) {
      runBlock(s, views, b);
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
  }
}

/**
 * Fitting-thread side: publishes each histogram as a task of feature
 * blocks that every thread claims from, works through blocks itself, and
 * waits only for blocks a helper is still on.
 */
export class HistogramHelper {
  private seq: number;
  private readonly views: Float64Array[] = [];

  private constructor(private readonly shared: HistogramShared) {
    this.seq = Atomics.load(shared.ctrl, SEQ);
    for (let o = 0; o + shared.histSize <= shared.slots.length; o += shared.histSize) this.views.push(shared.slots.subarray(o, o + shared.histSize));
  }

  /**
   * Waits for the first helper that was sent `shared` (later ones join as
   * they come up); null, and the helpers told to leave, if none comes up in time.
   */
  static await(shared: HistogramShared, timeoutMs: number): HistogramHelper | null {
    const ctrl = shared.ctrl;
    if (!waitFor(ctrl, READY, 0, timeoutMs)) {
      Atomics.store(ctrl, KIND, TASK_EXIT);
      Atomics.add(ctrl, SEQ, 1);
      Atomics.notify(ctrl, SEQ);
      return null;
    }
    return new HistogramHelper(shared);
  }

  /** Builds histogram `slot` for `count` rows from `start` over the shared features [0, nf). */
  build(slot: number, start: number, count: number, allRows: boolean, nf: number): void {
    const c = this.shared.ctrl;
    const bs = Math.max(4, Math.ceil(nf / 255));
    const blocks = Math.ceil(nf / bs);
    c[KIND] = TASK_HIST;
    c[SLOT] = slot;
    c[START] = start;
    c[COUNT] = count;
    c[ALL_ROWS] = allRows ? 1 : 0;
    c[NF] = nf;
    c[BLOCK] = bs;
    Atomics.store(c, DONE, 0);
    const seq = ++this.seq;
    Atomics.store(c, CLAIM, ((seq & 0xffff) << 16) | (blocks << 8));
    Atomics.store(c, SEQ, seq);
    Atomics.notify(c, SEQ);
    let mine = 0;
    for (let b = claim(c, seq); b >= 0; b = claim(c, seq)) {
      runBlock(this.shared, this.views, b);
      mine++;
    }
    if (mine > 0) Atomics.add(c, DONE, mine);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= blocks) return;
      if (!waitFor(c, DONE, done, 60_000)) throw new Error('histogram helper thread stopped answering');
    }
  }

  close(): void {
    Atomics.store(this.shared.ctrl, KIND, TASK_EXIT);
    Atomics.store(this.shared.ctrl, SEQ, ++this.seq);
    Atomics.notify(this.shared.ctrl, SEQ);
  }
}
