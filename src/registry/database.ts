import mongoose, { type Connection, type Model } from 'mongoose';
import { alertModel, type AlertDoc } from './alert.model.js';
import { aliasHistoryModel, type AliasHistoryDoc } from './alias-history.model.js';
import type { ArtifactStore } from './artifact-store.js';
import { datasetModel, type DatasetDoc } from './dataset.model.js';
import { driftReportModel, type DriftReportDoc } from './drift-report.model.js';
import { evaluationModel, type EvaluationDoc } from './evaluation.model.js';
import { GridFsArtifactStore } from './gridfs-artifact-store.js';
import { idempotencyModel, jobRecordModel, type IdempotencyDoc, type JobRecordDoc } from './job-record.model.js';
import { metricSampleModel, type MetricSampleDoc } from './metric-sample.model.js';
import { modelAliasModel, type ModelAliasDoc } from './model-alias.model.js';
import { modelVersionModel, type ModelVersionDoc } from './model-version.model.js';
import { predictionFeedbackModel, predictionLogModel, type PredictionBucket, type PredictionFeedbackDoc } from './prediction-log.model.js';
import { queueHealthModel, type QueueHealthDoc } from './queue-health.model.js';
import { referenceProfileModel, type ReferenceProfileDoc } from './reference-profile.model.js';
import { registeredModelModel, type RegisteredModelDoc } from './registered-model.model.js';

/** The MongoDB side of the cluster: one connection, its models and the artifact store. */
export interface Database {
  conn: Connection;
  datasets: Model<DatasetDoc>;
  registeredModels: Model<RegisteredModelDoc>;
  modelVersions: Model<ModelVersionDoc>;
  aliases: Model<ModelAliasDoc>;
  aliasHistory: Model<AliasHistoryDoc>;
  evaluations: Model<EvaluationDoc>;
  jobs: Model<JobRecordDoc>;
  idempotency: Model<IdempotencyDoc>;
  queueHealth: Model<QueueHealthDoc>;
  predictionLog: Model<PredictionBucket>;
  predictionFeedback: Model<PredictionFeedbackDoc>;
  referenceProfiles: Model<ReferenceProfileDoc>;
  driftReports: Model<DriftReportDoc>;
  metricSamples: Model<MetricSampleDoc>;
  alerts: Model<AlertDoc>;
  artifacts: ArtifactStore;
  close(): Promise<void>;
}

/** Connects, builds the indexes (unique ones carry the exactly-once guarantees) and returns the handles. */
export async function openDatabase(url: string): Promise<Database> {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
  await conn.asPromise();
  const db: Database = {
    conn,
    datasets: datasetModel(conn),
    registeredModels: registeredModelModel(conn),
    modelVersions: modelVersionModel(conn),
    aliases: modelAliasModel(conn),
    aliasHistory: aliasHistoryModel(conn),
    evaluations: evaluationModel(conn),
    jobs: jobRecordModel(conn),
    idempotency: idempotencyModel(conn),
    queueHealth: queueHealthModel(conn),
    predictionLog: predictionLogModel(conn),
    predictionFeedback: predictionFeedbackModel(conn),
    referenceProfiles: referenceProfileModel(conn),
    driftReports: driftReportModel(conn),
    metricSamples: metricSampleModel(conn),
    alerts: alertModel(conn),
    artifacts: new GridFsArtifactStore(conn),
    close: () => conn.close(),
  };
  await Promise.all([db.datasets, db.registeredModels, db.modelVersions, db.aliases, db.aliasHistory, db.evaluations, db.jobs, db.queueHealth, db.predictionLog, db.predictionFeedback].map((m) => m.createIndexes()));
  await Promise.all([db.referenceProfiles, db.driftReports, db.metricSamples, db.alerts].map((m) => m.createIndexes()));
  return db;
}

/** True for MongoDB's duplicate-key error (a unique index said no). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
