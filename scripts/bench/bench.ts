/** One table of a benchmark report. */
export interface BenchSection {
  /** heading in the markdown report */
  title: string;
  /** one object per table row; every row has the same keys */
  rows: Array<Record<string, string | number | boolean | null>>;
  /** lines printed under the table: targets, ratios, verdicts */
  notes?: string[];
}

/** A benchmark module default-exports one of these. */
export interface Bench {
  name: string;
  /** `quick` shrinks data for a smoke run (`npm run bench -- --quick`) */
  run(options: { quick: boolean }): Promise<BenchSection[]>;
}
