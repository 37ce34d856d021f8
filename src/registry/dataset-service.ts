import { mongo } from 'mongoose';
import { parseCsv, toCsv } from '../ml/data/csv.js';
import { CsvDescriber } from '../ml/data/csv-describer.js';
import { describeColumns, type ColumnKind, type Table } from '../ml/data/table.js';
import { AppError, notFound } from '../utils/app-error.js';
import type { Database } from './database.js';
import { isDuplicateKey } from './database.js';
import type { DatasetDoc } from './dataset.model.js';

/** A dataset as the API shows it. */
export interface DatasetView {
  id: string;
  name: string;
  version: number;
  rows: number;
  columns: Array<{ name: string; type: string }>;
  sha256: string;
  size_bytes: number;
  source: unknown;
  created_at: string;
}

export function toDatasetView(doc: DatasetDoc): DatasetView {
  return {
    id: String(doc._id),
    name: doc.name,
    version: doc.version,
    rows: doc.rowCount,
    columns: doc.columns.map((c) => ({ name: c.name, type: c.type })),
    sha256: doc.sha256,
    size_bytes: doc.sizeBytes,
    source: doc.source,
    created_at: (doc as unknown as { createdAt: Date }).createdAt.toISOString(),
  };
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The dataset caps (limits.dataset_columns, limits.dataset_rows). */
export interface DatasetLimits {
  datasetColumns: number;
  datasetRows: number;
}

function datasetTooBig(what: 'columns' | 'rows', n: number, limit: number): AppError {
  const key = what === 'columns' ? 'limits.dataset_columns' : 'limits.dataset_rows';
  return new AppError('limit_exceeded', `the dataset has ${n} ${what}; the limit is ${limit} (${key})`, { details: [{ path: what, value: n, limit, key }] });
}

/**
 * Refuses a CSV with more columns or rows than the limits before it is
 * parsed: columns from its header line, rows from its line count (a field
 * with line breaks inside quotes counts each line).
 */
export function checkCsvShape(text: string, limits: DatasetLimits): void {
  let columns = 1;
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 44) {
      if (++columns > limits.datasetColumns) throw datasetTooBig('columns', columns, limits.datasetColumns);
    } else if (!quoted && c === 10) break;
  }
  let rows = 0;
  for (let at = text.indexOf('\n', i); at !== -1; at = text.indexOf('\n', at + 1)) {
    if (at > 0 && at + 1 < text.length) rows++;
    if (rows > limits.datasetRows) throw datasetTooBig('rows', rows, limits.datasetRows);
  }
}

/** The same caps on a parsed table (JSON uploads). */
export function checkTableShape(table: Table, limits: DatasetLimits): void {
  if (table.columns.length > limits.datasetColumns) throw datasetTooBig('columns', table.columns.length, limits.datasetColumns);
  if (table.rowCount > limits.datasetRows) throw datasetTooBig('rows', table.rowCount, limits.datasetRows);
}

export function checkDatasetName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new AppError('validation_failed', `dataset name must be 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit; got ${JSON.stringify(name)}`);
  }
  return name;
}

/**
 * Stores a table as a new version of the named dataset: CSV bytes in GridFS,
 * description in MongoDB. Versions count up per name; two concurrent uploads
 * of one name get different versions thanks to the unique (name, version) index.
 */
export async function saveDataset(db: Database, name: string, table: Table, csvText?: string, source: Record<string, unknown> = { kind: 'upload' }): Promise<DatasetDoc> {
  checkDatasetName(name);
  if (table.rowCount === 0) throw new AppError('validation_failed', `dataset '${name}' is empty: it needs at least one data row`);
  const bytes = Buffer.from(csvText ?? toCsv(table));
  const info = await db.artifacts.put(`${name}.csv`, bytes, { kind: 'dataset', name });
  return insertDatasetVersion(db, name, { rowCount: table.rowCount, columns: describeColumns(table) }, info, source);
}

/**
 * Stores a CSV arriving in pieces as a new version of a dataset without ever
 * holding the file: each piece is checked (header, ragged rows, declared
 * kinds, the column and row limits) and then written to GridFS, which
 * hashes it on the way. Any failure (bad data, a limit, the client gone)
 * aborts the write, leaving nothing behind. `name` is asked for at the end
 * (a multipart upload may send its name field after the file).
 */
export async function saveCsvStream(
  db: Database,
  chunks: AsyncIterable<string>,
  options: { name: () => string | Promise<string>; schema?: Record<string, ColumnKind>; limits: DatasetLimits; source?: Record<string, unknown> },
): Promise<DatasetDoc> {
  const describer = new CsvDescriber({ schema: options.schema });
  const { limits } = options;
  // the column limit is checked on the header's raw text, before the parser builds anything for a line of any width
  let inHeader = true;
  let quoted = false;
  let columns = 1;
  async function* checked(): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      for (let i = 0; inHeader && i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (!quoted && c === 44) {
          if (++columns > limits.datasetColumns) throw datasetTooBig('columns', columns, limits.datasetColumns);
        } else if (!quoted && c === 10) inHeader = false;
      }
      describer.push(chunk);
      if (describer.rowCount > limits.datasetRows) throw datasetTooBig('rows', describer.rowCount, limits.datasetRows);
      yield chunk;
    }
  }
  const info = await db.artifacts.put('upload.csv', checked(), { kind: 'dataset' });
  try {
    const shape = describer.end();
    if (shape.rowCount > limits.datasetRows) throw datasetTooBig('rows', shape.rowCount, limits.datasetRows);
    const name = checkDatasetName(await options.name());
    if (shape.rowCount === 0) throw new AppError('validation_failed', `dataset '${name}' is empty: it needs at least one data row`);
    return await insertDatasetVersion(db, name, { rowCount: shape.rowCount, columns: shape.columns.map((c) => ({ name: c.name, type: c.kind })) }, info, options.source ?? { kind: 'upload' });
  } catch (err) {
    await db.artifacts.delete(info.id);
    throw err;
  }
}

/** Registers already-stored CSV bytes (a streamed write) as a new dataset version. */
export async function insertDatasetVersion(
  db: Database,
  name: string,
  shape: { rowCount: number; columns: Array<{ name: string; type: string }> },
  info: { id: string; sha256: string; sizeBytes: number },
  source: Record<string, unknown>,
): Promise<DatasetDoc> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const last = await db.datasets.findOne({ name }).sort({ version: -1 }).select({ version: 1 }).lean();
    try {
      const doc = await db.datasets.create({
        name,
        version: (last?.version ?? 0) + 1,
        rowCount: shape.rowCount,
        columns: shape.columns,
        sha256: info.sha256,
        sizeBytes: info.sizeBytes,
        fileId: new mongo.ObjectId(info.id),
        source,
      });
      return doc.toObject() as DatasetDoc;
    } catch (err) {
      if (!isDuplicateKey(err)) {
        await db.artifacts.delete(info.id);
        throw err;
      }
    }
  }
  await db.artifacts.delete(info.id);
  throw new AppError('conflict', `could not allocate a version for dataset '${name}' (too many concurrent uploads)`);
}

/** Finds a dataset by id, by `name` (latest version) or by `name@version`. */
export async function resolveDataset(db: Database, ref: string): Promise<DatasetDoc> {
  let doc: DatasetDoc | null = null;
  if (mongo.ObjectId.isValid(ref) && /^[0-9a-f]{24}$/i.test(ref)) doc = await db.datasets.findById(ref).lean<DatasetDoc>();
  if (!doc) {
    // `name@version` names exactly that version: one that is not a version number finds nothing, never the latest
    const at = ref.lastIndexOf('@');
    const label = at > 0 ? ref.slice(at + 1) : null;
    if (label !== null && !/^[1-9][0-9]{0,14}$/.test(label)) throw notFound('dataset', ref);
    const q = label !== null ? { name: ref.slice(0, at), version: Number(label) } : { name: ref };
    doc = await db.datasets.findOne(q).sort({ version: -1 }).lean<DatasetDoc>();
  }
  if (!doc) throw notFound('dataset', ref);
  return doc;
}

/** Reads a dataset's CSV from GridFS (sha256 verified) and parses it. */
export async function loadDatasetTable(db: Database, doc: DatasetDoc): Promise<Table> {
  const bytes = await db.artifacts.get(String(doc.fileId), doc.sha256);
  // the kinds recorded at upload: a text column of digits (zip codes) stays text
  return parseCsv(bytes.toString('utf8'), { schema: Object.fromEntries(doc.columns.map((c) => [c.name, c.type as 'number' | 'string'])) });
}
