/**
 * What predicting `rows` instances of one model costs, learnt from timed
 * calls: a fixed part (table building, preprocessing set-up) plus a part per
 * row, fitted by least squares with exponential forgetting so that the
 * estimate follows the machine's load. Before any measurement the estimate
 * is unknown, and the model is tried in the pool (whose timing, taken inside
 * the thread, teaches the estimate without blocking the event loop).
 */
export class PredictCost {
  private w = 0;
  private sx = 0;
  private sy = 0;
  private sxx = 0;
  private sxy = 0;
  /** observations so far */
  samples = 0;

  constructor(private readonly forget = 0.9) {}

  /** Records a call of `rows` rows that took `micros` microseconds of compute. */
  observe(rows: number, micros: number): void {
    if (!(rows > 0) || !(micros >= 0) || !Number.isFinite(micros)) return;
    const f = this.forget;
    this.w = this.w * f + 1;
    this.sx = this.sx * f + rows;
    this.sy = this.sy * f + micros;
    this.sxx = this.sxx * f + rows * rows;
    this.sxy = this.sxy * f + rows * micros;
    this.samples++;
  }

  /** Estimated microseconds for `rows` rows; undefined before the first observation. */
  estimate(rows: number): number | undefined {
    if (this.samples === 0) return undefined;
    const meanX = this.sx / this.w;
    const meanY = this.sy / this.w;
    const varX = this.sxx / this.w - meanX * meanX;
    if (varX <= 1e-9 * Math.max(1, meanX * meanX)) {
      // Every call had the same size: assume the cost is all per row (an over-estimate for bigger calls, which is the safe side).
      return (meanY / meanX) * rows;
    }
    const perRow = Math.max(0, (this.sxy / this.w - meanX * meanY) / varX);
    const fixed = Math.max(0, meanY - perRow * meanX);
    return fixed + perRow * rows;
  }
}
