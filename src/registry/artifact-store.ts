import { createHash } from 'node:crypto';

/** A stored artifact's identity. */
export interface ArtifactInfo {
  id: string;
  sha256: string;
  sizeBytes: number;
}

/** The artifact's bytes do not hash to the sha256 recorded at write time. */
export class ArtifactCorruptedError extends Error {
  constructor(id: string, expected: string, actual: string) {
    super(`artifact ${id} is corrupted: sha256 ${actual} does not match the recorded ${expected}`);
    this.name = 'ArtifactCorruptedError';
  }
}

export class ArtifactNotFoundError extends Error {
  constructor(id: string) {
    super(`artifact ${id} not found`);
    this.name = 'ArtifactNotFoundError';
  }
}

/**
 * Binary artifacts (datasets, model files, prediction outputs). Every write
 * records the sha256; every whole read verifies it.
 */
export interface ArtifactStore {
  /** Writes bytes, or text chunks as they come, and returns id, sha256 and size. */
  put(filename: string, data: Uint8Array | AsyncIterable<Uint8Array | string>, metadata?: Record<string, unknown>): Promise<ArtifactInfo>;
  /** Reads the whole artifact and verifies it against `sha256`. */
  get(id: string, sha256: string): Promise<Buffer>;
  /** Streams the artifact (no verification: for large downloads). */
  stream(id: string): AsyncIterable<Buffer>;
  delete(id: string): Promise<void>;
  exists(id: string): Promise<boolean>;
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function verify(id: string, data: Buffer, expected: string): Buffer {
  const actual = sha256Hex(data);
  if (actual !== expected) throw new ArtifactCorruptedError(id, expected, actual);
  return data;
}
