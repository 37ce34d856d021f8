import { LRUCache } from 'lru-cache';
import { instanceKey } from '../utils/canonical-json.js';

/** One instance's answer, as cached. */
export interface CachedPrediction {
  prediction: number | string;
  /** class probabilities in the model's `classes` order (classifiers) */
  probabilities?: number[];
}

interface StoredEntry {
  owner: PredictionCache;
  key: string;
  value: CachedPrediction;
}

/** What an entry costs in memory, roughly: the two keys and the answer (strings at 2 bytes a character), plus fixed overhead. */
export function entryBytes(key: string, value: CachedPrediction): number {
  const prediction = typeof value.prediction === 'string' ? value.prediction.length * 2 : 8;
  return 160 + key.length * 4 + prediction + (value.probabilities?.length ?? 0) * 8;
}

/**
 * The memory every version's prediction cache shares in one API process: an
 * LRU bounded in bytes (`serving.cache_max_bytes`). When it is full, the
 * least recently used answer of any version goes, so many loaded models
 * cannot add up to more than the budget, whatever their `cache_size`.
 */
export class PredictionCacheStore {
  private readonly lru: LRUCache<string, StoredEntry>;
  private nextId = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be an integer >= 1, got ${maxBytes}`);
    this.lru = new LRUCache<string, StoredEntry>({
      maxSize: maxBytes,
      sizeCalculation: (e) => entryBytes(e.key, e.value),
      // evicted by the byte budget (or deleted): the owning version forgets the key too
      dispose: (e, _k, reason) => {
        if (reason !== 'set') e.owner.forget(e.key);
      },
    });
  }

  /** Bytes the cached answers take now (the estimate of entryBytes). */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get entries(): number {
    return this.lru.size;
  }

  /** A version's cache of at most `capacity` answers, inside this budget. */
  cache(capacity: number): PredictionCache {
    return new PredictionCache(capacity, this, `${(this.nextId++).toString(36)}\u0000`);
  }

  /** @internal */
  getEntry(id: string): StoredEntry | undefined {
    return this.lru.get(id);
  }

  /** @internal */
  setEntry(id: string, entry: StoredEntry): void {
    this.lru.set(id, entry);
  }

  /** @internal */
  hasEntry(id: string): boolean {
    return this.lru.has(id);
  }

  /** @internal */
  deleteEntry(id: string): void {
    this.lru.delete(id);
  }
}

/**
 * The answers of one model version, by canonical hash of the input instance
 * (key order does not matter): an LRU of `capacity` entries (the version's
 * `serving.cache_size`) whose entries live in the process's shared,
 * byte-bounded PredictionCacheStore. Capacity 0 caches nothing.
 */
export class PredictionCache {
  /** this version's keys, least recently used first (a Set keeps insertion order) */
  private readonly keys = new Set<string>();
  hits = 0;
  misses = 0;

  /** Use PredictionCacheStore.cache(capacity). */
  constructor(
    readonly capacity: number,
    private readonly store: PredictionCacheStore,
    private readonly prefix: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be an integer >= 0, got ${capacity}`);
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /** The key of an instance; compute it once and pass it to get and set. */
  key(instance: unknown): string {
    return instanceKey(instance);
  }

  get(key: string): CachedPrediction | undefined {
    if (!this.enabled) return undefined;
    const hit = this.store.getEntry(this.prefix + key);
    if (hit) {
      this.hits++;
      this.keys.delete(key);
      this.keys.add(key);
      return hit.value;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, value: CachedPrediction): void {
    if (!this.enabled) return;
    if (!this.keys.has(key) && this.keys.size >= this.capacity) {
      const oldest = this.keys.values().next().value as string;
      this.store.deleteEntry(this.prefix + oldest);
      this.keys.delete(oldest);
    }
    this.keys.delete(key);
    this.keys.add(key);
    this.store.setEntry(this.prefix + key, { owner: this, key, value });
    // an answer larger than the whole budget is not kept
    if (!this.store.hasEntry(this.prefix + key)) this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Drops every answer of this version (it was unloaded). */
  clear(): void {
    for (const key of [...this.keys]) this.store.deleteEntry(this.prefix + key);
    this.keys.clear();
  }

  /** @internal the store evicted or deleted `key` */
  forget(key: string): void {
    this.keys.delete(key);
  }
}
