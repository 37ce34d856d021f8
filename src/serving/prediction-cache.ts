import { LRUCache } from 'lru-cache';
import { instanceKey } from '../utils/canonical-json.js';

/** One instance's answer, as cached. */
export interface CachedPrediction {
  prediction: number | string;
  /** class probabilities in the model's `classes` order (classifiers) */
  probabilities?: number[];
}

/**
 * The answers of one model version, by canonical hash of the input instance
 * (key order does not matter). An LRU of `capacity` entries (the version's
 * `serving.cache_size`); capacity 0 caches nothing.
 */
export class PredictionCache {
  private readonly lru: LRUCache<string, CachedPrediction> | null;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be an integer >= 0, got ${capacity}`);
    this.lru = capacity > 0 ? new LRUCache({ max: capacity }) : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  /** The key of an instance; compute it once and pass it to get and set. */
  key(instance: unknown): string {
    return instanceKey(instance);
  }

  get(key: string): CachedPrediction | undefined {
    if (!this.lru) return undefined;
    const hit = this.lru.get(key);
    if (hit) this.hits++;
    else this.misses++;
    return hit;
  }

  set(key: string, value: CachedPrediction): void {
    this.lru?.set(key, value);
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }
}
