import { mongo } from 'mongoose';
import type { Database } from './database.js';

/** A collection field holding GridFS file ids; files it names are kept. */
export interface FileReference {
  collection: string;
  /** dotted path of the ObjectId */
  field: string;
  /** only documents matching this filter keep their file */
  filter?: Record<string, unknown>;
}

/**
 * Every place a record points at a GridFS file. Anything new that stores a
 * file id must add a line here, or the clean-up will take its files.
 * Batch prediction outputs are datasets, so they are covered by the first.
 * An archived version's artifact is not kept: archiving removes it.
 */
export const FILE_REFERENCES: readonly FileReference[] = [
  { collection: 'datasets', field: 'fileId' },
  { collection: 'model_versions', field: 'artifact.fileId', filter: { status: { $ne: 'archived' } } },
];

/** The GridFS bucket the artifact store writes (GridFsArtifactStore's default). */
export const ARTIFACT_BUCKET = 'artifacts';

export interface CleanupOptions {
  /** only files and chunks older than this are touched, so uploads in progress survive */
  graceMinutes: number;
  /** report what would go without removing anything @defaultValue false */
  dryRun?: boolean;
  /** @defaultValue now */
  now?: Date;
  /** references besides {@link FILE_REFERENCES} */
  extraReferences?: readonly FileReference[];
}

export interface CleanupReport {
  grace_minutes: number;
  dry_run: boolean;
  cutoff: string;
  files_scanned: number;
  files_referenced: number;
  /** unreferenced files younger than the grace period, left alone */
  files_too_recent: number;
  files_removed: Array<{ id: string; filename: string | null; length: number; uploaded_at: string | null }>;
  /** chunks whose files document was never written (an upload killed half-way), by file id */
  orphan_chunks_removed: Array<{ files_id: string; chunks: number; last_written_at: string | null }>;
  bytes_freed: number;
}

function timeOf(id: unknown): Date | null {
  return id instanceof mongo.ObjectId ? id.getTimestamp() : null;
}

/**
 * Finds GridFS files no record points at, and chunks whose files document
 * was never written, and removes them; both only when older than the grace
 * period. An unreferenced file counts from its upload date; orphaned chunks
 * from the newest chunk written, so a long streaming upload that is still
 * writing is never cut short.
 */
export async function cleanupOrphans(db: Database, options: CleanupOptions): Promise<CleanupReport> {
  const native = db.conn.db;
  if (!native) throw new Error('cleanupOrphans needs a connected database');
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.graceMinutes * 60_000);
  const dryRun = options.dryRun ?? false;
  const filesColl = native.collection(`${ARTIFACT_BUCKET}.files`);
  const chunksColl = native.collection(`${ARTIFACT_BUCKET}.chunks`);

  const referenced = new Set<string>();
  for (const ref of [...FILE_REFERENCES, ...(options.extraReferences ?? [])]) {
    const ids = await native.collection(ref.collection).distinct(ref.field, ref.filter ?? {});
    for (const id of ids) if (id !== null && id !== undefined) referenced.add(String(id));
  }

  const report: CleanupReport = {
    grace_minutes: options.graceMinutes,
    dry_run: dryRun,
    cutoff: cutoff.toISOString(),
    files_scanned: 0,
    files_referenced: 0,
    files_too_recent: 0,
    files_removed: [],
    orphan_chunks_removed: [],
    bytes_freed: 0,
  };
  const fileIds = new Set<string>();
  for await (const f of filesColl.find({}, { projection: { _id: 1, filename: 1, length: 1, uploadDate: 1 } })) {
    report.files_scanned++;
    const id = String(f._id);
    fileIds.add(id);
    if (referenced.has(id)) {
      report.files_referenced++;
      continue;
    }
    const uploaded = f.uploadDate instanceof Date ? f.uploadDate : timeOf(f._id);
    if (!uploaded || uploaded >= cutoff) {
      report.files_too_recent++;
      continue;
    }
    if (!dryRun) await db.artifacts.delete(id);
    report.files_removed.push({ id, filename: (f.filename as string) ?? null, length: Number(f.length ?? 0), uploaded_at: uploaded.toISOString() });
    report.bytes_freed += Number(f.length ?? 0);
  }

  for (const filesId of await chunksColl.distinct('files_id')) {
    if (fileIds.has(String(filesId))) continue;
    // the files document may have been written since the scan above
    if (await filesColl.findOne({ _id: filesId }, { projection: { _id: 1 } })) continue;
    const newest = await chunksColl.find({ files_id: filesId }, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).next();
    const last = timeOf(newest?._id) ?? timeOf(filesId);
    if (!last || last >= cutoff) continue;
    const chunks = await chunksColl.countDocuments({ files_id: filesId });
    if (!dryRun) await chunksColl.deleteMany({ files_id: filesId });
    report.orphan_chunks_removed.push({ files_id: String(filesId), chunks, last_written_at: last.toISOString() });
  }
  return report;
}
