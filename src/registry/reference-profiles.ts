import { parseDriftProfile, type DriftProfile } from '../ml/drift/index.js';
import type { ReferenceProfile } from '../ml/pipeline/reference-profile.js';
import type { Database } from './database.js';
import { isDuplicateKey } from './database.js';

/** A stored reference profile, validated on read. */
export interface StoredReference {
  features: DriftProfile;
  prediction: DriftProfile | null;
  target: DriftProfile | null;
  predictionSource: string;
  rows: number;
}

/**
 * Stores the reference profile of a version once (a retried training job
 * finds it there). Call it right after registering the version.
 */
export async function saveReferenceProfile(db: Database, version: { modelName: string; version: string }, profile: ReferenceProfile | null | undefined): Promise<void> {
  if (!profile) return;
  try {
    await db.referenceProfiles.create({
      modelName: version.modelName,
      version: version.version,
      features: profile.features,
      prediction: profile.prediction,
      target: profile.target,
      predictionSource: profile.predictionSource,
      rows: profile.rows,
      createdAt: new Date(),
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** The version's reference profile, or null when it has none (time series, or trained before profiles existed). */
export async function loadReferenceProfile(db: Database, modelName: string, version: string): Promise<StoredReference | null> {
  const doc = await db.referenceProfiles.findOne({ modelName, version }).lean();
  if (!doc) return null;
  return {
    features: parseDriftProfile(doc.features),
    prediction: doc.prediction ? parseDriftProfile(doc.prediction) : null,
    target: doc.target ? parseDriftProfile(doc.target) : null,
    predictionSource: doc.predictionSource,
    rows: doc.rows,
  };
}
