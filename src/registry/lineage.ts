import type { Database } from './database.js';
import type { DatasetDoc } from './dataset.model.js';
import { resolveDataset } from './dataset-service.js';
import type { Lineage } from './model-registry.js';
import { findVersion } from './model-registry.js';
import type { ModelVersionDoc } from './model-version.model.js';

/**
 * Paths in a dataset's `source` that name the dataset it was computed from
 * (batch_predict writes `source.dataset.id`). Several spellings are accepted
 * so that any job writing outputs is found; the model version that computed
 * an output is `source.model.{name, version}`.
 */
const INPUT_DATASET_PATHS = ['source.input_dataset.id', 'source.input_dataset_id', 'source.dataset.id', 'source.dataset_id'];

const iso = (d: unknown): string | null => (d ? new Date(d as Date).toISOString() : null);

function evaluationSummary(e: { _id: unknown; jobId: string; modelName: string; version: string; dataset: unknown; primaryMetric: unknown; rows: number; createdAt?: Date }) {
  return {
    id: String(e._id),
    job_id: e.jobId,
    model_name: e.modelName,
    version: e.version,
    dataset: e.dataset,
    rows: e.rows,
    primary_metric: e.primaryMetric,
    created_at: iso(e.createdAt),
  };
}

function datasetSummary(d: DatasetDoc) {
  return { id: String(d._id), name: d.name, version: d.version, rows: d.rowCount, sha256: d.sha256, source: d.source ?? null, created_at: iso((d as { createdAt?: Date }).createdAt) };
}

/** The version a lineage names as parent, else the model's previous version. */
async function parentOf(db: Database, doc: ModelVersionDoc, lineage: Partial<Lineage>): Promise<{ version: string | null; how: 'recorded' | 'previous_version' | null }> {
  if (lineage.parent_version) return { version: lineage.parent_version, how: 'recorded' };
  const prev = await db.modelVersions.findOne({ modelName: doc.modelName, seq: { $lt: doc.seq } }).sort({ seq: -1 }).select({ version: 1 }).lean();
  return prev ? { version: prev.version, how: 'previous_version' } : { version: null, how: null };
}

/**
 * Where a version came from (dataset with its sha256, source job, parent
 * version, study and trial when tuned, hyperparameters, package version) and
 * what came of it (evaluations, batch outputs, aliases).
 */
export async function versionLineage(db: Database, modelName: string, versionLabel: string) {
  const doc = await findVersion(db, modelName, versionLabel);
  const lineage = (doc.lineage ?? {}) as Partial<Lineage>;
  const datasetId = lineage.dataset?.id ?? null;
  const [dataset, job, parent, evaluations, outputs, aliases] = await Promise.all([
    datasetId && /^[0-9a-f]{24}$/i.test(datasetId) ? db.datasets.findById(datasetId).select({ _id: 1 }).lean() : null,
    lineage.job_id ? db.jobs.findById(lineage.job_id).select({ type: 1, state: 1, createdAt: 1, finishedAt: 1 }).lean() : null,
    parentOf(db, doc, lineage),
    db.evaluations.find({ modelName, version: doc.version }).sort({ createdAt: -1 }).select({ report: 0, metrics: 0 }).lean(),
    db.datasets.find({ 'source.model.name': modelName, 'source.model.version': doc.version }).sort({ createdAt: -1 }).lean<DatasetDoc[]>(),
    db.aliases.find({ modelName, version: doc.version }).select({ alias: 1 }).lean(),
  ]);
  return {
    model_name: modelName,
    version: doc.version,
    status: doc.status ?? 'ready',
    dataset: lineage.dataset ? { ...lineage.dataset, still_registered: dataset !== null } : null,
    source_job: {
      id: lineage.job_id ?? doc.sourceJobId,
      type: lineage.job_type ?? job?.type ?? null,
      state: job?.state ?? null,
      created_at: iso((job as { createdAt?: Date } | null)?.createdAt),
      finished_at: iso(job?.finishedAt),
    },
    parent_version: parent.version,
    parent_source: parent.how,
    study: lineage.study_id ? { id: lineage.study_id, trial_number: lineage.trial_number ?? null } : null,
    hyperparameters: lineage.hyperparameters ?? doc.hyperparameters ?? {},
    package_version: lineage.package_version ?? null,
    artifact: { sha256: doc.artifact.sha256, size_bytes: doc.artifact.sizeBytes, format: doc.artifact.format, removed: doc.status === 'archived' },
    aliases: aliases.map((a) => a.alias).sort(),
    evaluations: evaluations.map(evaluationSummary),
    batch_outputs: outputs.map(datasetSummary),
  };
}

/**
 * Everything derived from a dataset: versions trained on it, evaluations run
 * on it, datasets computed from it (batch predictions); and, when the
 * dataset was itself computed, where it came from.
 */
export async function datasetLineage(db: Database, ref: string) {
  const ds = await resolveDataset(db, ref);
  const id = String(ds._id);
  const [versions, evaluations, derived] = await Promise.all([
    db.modelVersions.find({ 'lineage.dataset.id': id }).sort({ modelName: 1, seq: 1 }).lean<ModelVersionDoc[]>(),
    db.evaluations.find({ 'dataset.id': id }).sort({ createdAt: -1 }).select({ report: 0, metrics: 0 }).lean(),
    db.datasets.find({ $or: INPUT_DATASET_PATHS.map((p) => ({ [p]: id })) }).sort({ createdAt: -1 }).lean<DatasetDoc[]>(),
  ]);
  return {
    dataset: datasetSummary(ds),
    model_versions: versions.map((v) => {
      const l = (v.lineage ?? {}) as Partial<Lineage>;
      return {
        model_name: v.modelName,
        version: v.version,
        status: v.status ?? 'ready',
        job_id: l.job_id ?? v.sourceJobId,
        job_type: l.job_type ?? null,
        study_id: l.study_id ?? null,
        trial_number: l.trial_number ?? null,
        created_at: iso((v as { createdAt?: Date }).createdAt),
      };
    }),
    evaluations: evaluations.map(evaluationSummary),
    derived_datasets: derived.map(datasetSummary),
  };
}
