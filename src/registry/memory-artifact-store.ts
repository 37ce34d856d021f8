import { randomUUID } from 'node:crypto';
import { ArtifactNotFoundError, sha256Hex, verify, type ArtifactInfo, type ArtifactStore } from './artifact-store.js';

/** In-memory artifacts, for unit tests. */
export class MemoryArtifactStore implements ArtifactStore {
  private readonly files = new Map<string, Buffer>();

  async put(_filename: string, data: Uint8Array | AsyncIterable<Uint8Array | string>): Promise<ArtifactInfo> {
    let bytes: Buffer;
    if (data instanceof Uint8Array) bytes = Buffer.from(data);
    else {
      const parts: Buffer[] = [];
      for await (const c of data) parts.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
      bytes = Buffer.concat(parts);
    }
    const id = randomUUID().replace(/-/g, '').slice(0, 24);
    this.files.set(id, bytes);
    return { id, sha256: sha256Hex(bytes), sizeBytes: bytes.length };
  }

  async get(id: string, sha256: string): Promise<Buffer> {
    const b = this.files.get(id);
    if (!b) throw new ArtifactNotFoundError(id);
    return verify(id, b, sha256);
  }

  async *stream(id: string): AsyncIterable<Buffer> {
    const b = this.files.get(id);
    if (!b) throw new ArtifactNotFoundError(id);
    yield b;
  }

  async delete(id: string): Promise<void> {
    this.files.delete(id);
  }

  async exists(id: string): Promise<boolean> {
    return this.files.has(id);
  }

  /** Test hook: flips a byte to simulate corruption. */
  corrupt(id: string): void {
    const b = this.files.get(id);
    if (b && b.length > 0) b[0] ^= 0xff;
  }
}
