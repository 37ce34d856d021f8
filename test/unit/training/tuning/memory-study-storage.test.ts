import { MemoryStudyStorage } from '../../../../src/training/tuning/storage/memory-study-storage.js';
import { studyStorageSuite } from './study-storage-suite.js';

studyStorageSuite('in-memory', async () => ({ storage: new MemoryStudyStorage(), close: async () => undefined }));
