import { accumulateHistogram } from './histogram-kernel.js';

/** Slots of the shared control block. */
const SEQ = 0;
const DONE = 1;
const READY = 2;
const KIND = 3;
const SLOT = 4;
const START = 5;
const COUNT = 6;
const FROM = 7;
const TO = 8;
const ALL_ROWS = 9;
const CTRL_SIZE = 10;

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
 * Helper-thread side: serves histogram tasks until told to exit. Runs
 * inside a worker's message handler, blocking that worker for the fit.
 */
export function serveHistograms(s: HistogramShared): void {
  const { ctrl } = s;
  const views: Float64Array[] = [];
  for (let o = 0; o + s.histSize <= s.slots.length; o += s.histSize) views.push(s.slots.subarray(o, o + s.histSize));
  let last = Atomics.load(ctrl, SEQ);
  // the fitting thread gave up waiting before this thread came up
  if (Atomics.load(ctrl, KIND) === TASK_EXIT) return;
  Atomics.store(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  for (;;) {
    if (!waitFor(ctrl, SEQ, last, 600_000)) {
      // the fitting thread vanished without saying goodbye; free this worker
      if (Atomics.load(ctrl, SEQ) === last) return;
    }
    last = Atomics.load(ctrl, SEQ);
    const kind = Atomics.load(ctrl, KIND);
    if (kind === TASK_EXIT) return;
    accumulateHistogram(
      s.codes,
      s.rows,
      s.offsets,
      s.features,
      ctrl[FROM],
      ctrl[TO],
      ctrl[ALL_ROWS] === 1 ? null : s.idx,
      ctrl[START],
      ctrl[COUNT],
      s.ordered,
      views[ctrl[SLOT]],
    );
    Atomics.store(ctrl, DONE, last);
    Atomics.notify(ctrl, DONE);
  }
}

/**
 * Fitting-thread side: hands one helper thread a range of features of each
 * histogram. Writes the task, publishes it with an atomic sequence number
 * (which orders the plain writes before it), and later waits for the same
 * number to come back.
 */
export class HistogramHelper {
  private seq: number;

  private constructor(private readonly ctrl: Int32Array) {
    this.seq = Atomics.load(ctrl, SEQ);
  }

  /** Waits for a helper that was sent `shared`; null (and the helper told to leave) if it does not come up in time. */
  static await(ctrl: Int32Array, timeoutMs: number): HistogramHelper | null {
    if (!waitFor(ctrl, READY, 0, timeoutMs)) {
      Atomics.store(ctrl, KIND, TASK_EXIT);
      Atomics.add(ctrl, SEQ, 1);
      Atomics.notify(ctrl, SEQ);
      return null;
    }
    return new HistogramHelper(ctrl);
  }

  post(slot: number, start: number, count: number, allRows: boolean, from: number, to: number): void {
    const c = this.ctrl;
    c[KIND] = TASK_HIST;
    c[SLOT] = slot;
    c[START] = start;
    c[COUNT] = count;
    c[FROM] = from;
    c[TO] = to;
    c[ALL_ROWS] = allRows ? 1 : 0;
    Atomics.store(c, SEQ, ++this.seq);
    Atomics.notify(c, SEQ);
  }

  wait(): void {
    const c = this.ctrl;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done === this.seq) return;
      if (!waitFor(c, DONE, done, 60_000)) throw new Error('histogram helper thread stopped answering');
    }
  }

  close(): void {
    Atomics.store(this.ctrl, KIND, TASK_EXIT);
    Atomics.store(this.ctrl, SEQ, ++this.seq);
    Atomics.notify(this.ctrl, SEQ);
  }
}
