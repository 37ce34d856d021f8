import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { MongoStudyStorage } from '../../src/training/tuning/storage/mongo-study-storage.js';
import { studyStorageSuite } from '../unit/training/tuning/study-storage-suite.js';

const MONGO_BASE = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/trainyard').replace(/\/[^/?]*(\?.*)?$/, '');

studyStorageSuite('MongoDB', async () => {
  const conn = mongoose.createConnection(`${MONGO_BASE}/trainyard_test_${randomBytes(4).toString('hex')}`, { autoIndex: false });
  await conn.asPromise();
  return {
    storage: new MongoStudyStorage(conn),
    close: async () => {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close();
    },
  };
});
