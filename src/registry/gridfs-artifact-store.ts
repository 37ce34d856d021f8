import { createHash } from 'node:crypto';
import { mongo, type Connection } from 'mongoose';
import { ArtifactNotFoundError, verify, type ArtifactInfo, type ArtifactStore } from './artifact-store.js';

/** Artifacts in MongoDB GridFS (bucket `artifacts`). */
export class GridFsArtifactStore implements ArtifactStore {
  private readonly bucket: mongo.GridFSBucket;

  constructor(conn: Connection, bucketName = 'artifacts') {
    if (!conn.db) throw new Error('GridFsArtifactStore needs a connected mongoose connection');
    this.bucket = new mongo.GridFSBucket(conn.db, { bucketName });
  }

  async put(filename: string, data: Uint8Array | AsyncIterable<Uint8Array | string>, metadata: Record<string, unknown> = {}): Promise<ArtifactInfo> {
    const upload = this.bucket.openUploadStream(filename, { metadata });
    const hash = createHash('sha256');
    let size = 0;
    const write = (chunk: Uint8Array): Promise<void> =>
      new Promise((resolve, reject) => {
        hash.update(chunk);
        size += chunk.length;
        upload.write(chunk, (err) => (err ? reject(err) : resolve()));
      });
    try {
      if (data instanceof Uint8Array) await write(data);
      else for await (const chunk of data) await write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      await new Promise<void>((resolve, reject) => upload.end((err?: Error | null) => (err ? reject(err) : resolve())));
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    return { id: upload.id.toString(), sha256: hash.digest('hex'), sizeBytes: size };
  }

  async get(id: string, sha256: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.stream(id)) parts.push(chunk);
    return verify(id, Buffer.concat(parts), sha256);
  }

  async *stream(id: string): AsyncIterable<Buffer> {
    if (!(await this.exists(id))) throw new ArtifactNotFoundError(id);
    for await (const chunk of this.bucket.openDownloadStream(new mongo.ObjectId(id))) yield chunk as Buffer;
  }

  async delete(id: string): Promise<void> {
    try {
      await this.bucket.delete(new mongo.ObjectId(id));
    } catch (err) {
      if (!/not found/i.test(String((err as Error).message))) throw err;
    }
  }

  async exists(id: string): Promise<boolean> {
    if (!mongo.ObjectId.isValid(id)) return false;
    const found = await this.bucket.find({ _id: new mongo.ObjectId(id) }, { limit: 1 }).toArray();
    return found.length > 0;
  }
}
