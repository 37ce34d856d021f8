import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ArtifactCorruptedError, ArtifactNotFoundError, type ArtifactStore } from '../../src/registry/artifact-store.js';
import { GridFsArtifactStore } from '../../src/registry/gridfs-artifact-store.js';
import { MemoryArtifactStore } from '../../src/registry/memory-artifact-store.js';

const MONGO_BASE = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/trainyard').replace(/\/[^/?]*(\?.*)?$/, '');

/** One suite, run against every ArtifactStore. `corrupt` flips stored bytes behind the store's back. */
function artifactStoreSuite(name: string, make: () => Promise<{ store: ArtifactStore; corrupt(id: string): Promise<void>; close(): Promise<void> }>): void {
  describe(`${name} artifact store`, function () {
    this.timeout(30_000);
    let ctx: Awaited<ReturnType<typeof make>>;
    before(async () => {
      ctx = await make();
    });
    after(async () => {
      await ctx.close();
    });

    it('stores bytes and returns their sha256 and size', async () => {
      const bytes = randomBytes(600_000);
      const info = await ctx.store.put('a.bin', bytes);
      expect(info.sha256).to.equal(createHash('sha256').update(bytes).digest('hex'));
      expect(info.sizeBytes).to.equal(bytes.length);
      expect(Buffer.compare(await ctx.store.get(info.id, info.sha256), bytes)).to.equal(0);
    });

    it('stores a stream of text chunks', async () => {
      async function* chunks() {
        yield 'a,b\n';
        yield '1,2\n';
      }
      const info = await ctx.store.put('t.csv', chunks());
      expect((await ctx.store.get(info.id, info.sha256)).toString()).to.equal('a,b\n1,2\n');
      const parts: Buffer[] = [];
      for await (const c of ctx.store.stream(info.id)) parts.push(c);
      expect(Buffer.concat(parts).toString()).to.equal('a,b\n1,2\n');
    });

    it('refuses a corrupted artifact on read', async () => {
      const info = await ctx.store.put('c.bin', Buffer.from('precious model bytes'));
      await ctx.corrupt(info.id);
      let caught: unknown;
      try {
        await ctx.store.get(info.id, info.sha256);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ArtifactCorruptedError);
    });

    it('deletes an artifact and then reports it missing', async () => {
      const info = await ctx.store.put('d.bin', Buffer.from('x'));
      expect(await ctx.store.exists(info.id)).to.equal(true);
      await ctx.store.delete(info.id);
      expect(await ctx.store.exists(info.id)).to.equal(false);
      let caught: unknown;
      try {
        await ctx.store.get(info.id, info.sha256);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ArtifactNotFoundError);
    });
  });
}

artifactStoreSuite('in-memory', async () => {
  const store = new MemoryArtifactStore();
  return { store, corrupt: async (id) => store.corrupt(id), close: async () => undefined };
});

artifactStoreSuite('GridFS', async () => {
  const conn = mongoose.createConnection(`${MONGO_BASE}/trainyard_test_artifacts_${randomBytes(3).toString('hex')}`);
  await conn.asPromise();
  const store = new GridFsArtifactStore(conn);
  return {
    store,
    corrupt: async (id) => {
      const chunks = conn.db!.collection('artifacts.chunks');
      const first = await chunks.findOne({ files_id: new mongoose.mongo.ObjectId(id), n: 0 });
      const data = Buffer.from((first!.data as mongoose.mongo.Binary).buffer);
      data[0] ^= 0xff;
      await chunks.updateOne({ _id: first!._id }, { $set: { data: new mongoose.mongo.Binary(data) } });
    },
    close: async () => {
      await conn.dropDatabase();
      await conn.close();
    },
  };
});
