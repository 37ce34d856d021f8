import type { JobRecordDoc } from '../registry/job-record.model.js';

/** A job as the API shows it (snake_case). */
export interface JobView {
  id: string;
  type: string;
  state: string;
  model_name: string | null;
  dataset: string | null;
  progress: unknown;
  result: unknown;
  error: unknown;
  attempts: number;
  cancel_requested: boolean;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toJobView(doc: JobRecordDoc & { createdAt?: Date }): JobView {
  return {
    id: doc._id,
    type: doc.type,
    state: doc.state,
    model_name: doc.modelName ?? null,
    dataset: doc.dataset ?? null,
    progress: doc.progress ?? null,
    result: doc.result ?? null,
    error: doc.error ?? null,
    attempts: doc.attempts ?? 0,
    cancel_requested: doc.cancelRequested ?? false,
    created_at: iso(doc.createdAt),
    started_at: iso(doc.startedAt),
    finished_at: iso(doc.finishedAt),
  };
}
