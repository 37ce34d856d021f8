import busboy from 'busboy';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { parseCsv } from '../../ml/data/csv.js';
import { tableFromRecords, type ColumnKind } from '../../ml/data/table.js';
import { checkCsvShape, checkDatasetName, checkTableShape, resolveDataset, saveDataset, toDatasetView } from '../../registry/dataset-service.js';
import { AppError } from '../../utils/app-error.js';
import { requireRole } from '../auth.js';
import { requireBody } from '../body-parsers.js';
import type { ApiDeps } from '../deps.js';

export const jsonDatasetSchema = z
  .object({
    name: z.string(),
    rows: z.array(z.record(z.string(), z.unknown())),
    columns: z.array(z.object({ name: z.string().min(1), type: z.enum(['number', 'string']) })).optional(),
  })
  .strict();

/** `?types=age:number,city:string` -> declared column kinds (values that do not fit are refused). */
function parseTypes(raw: unknown): Record<string, ColumnKind> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new AppError('validation_failed', 'types must be a string like age:number,city:string');
  const out: Record<string, ColumnKind> = {};
  for (const part of raw.split(',').filter(Boolean)) {
    const i = part.lastIndexOf(':');
    const kind = part.slice(i + 1);
    if (i <= 0 || (kind !== 'number' && kind !== 'string')) {
      throw new AppError('validation_failed', `types entry '${part}' must be column:number or column:string`);
    }
    out[part.slice(0, i)] = kind;
  }
  return out;
}

function toBytes(limit: string): number {
  const m = /^(\d+)(b|kb|mb|gb)$/i.exec(limit)!;
  return Number(m[1]) * { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[m[2].toLowerCase() as 'b']!;
}

export interface MultipartLimits {
  /** largest file part, bytes (api.uploadLimit) */
  fileBytes: number;
  /** most non-file fields (api.multipartFields) */
  fields: number;
  /** largest non-file field value, bytes (api.multipartFieldBytes) */
  fieldBytes: number;
}

/**
 * Reads the `file` field (and an optional `name` field) of a multipart upload.
 * The whole request is bounded: one file, a few small fields, and no more raw
 * bytes than those allow. Every stream involved has an error path, so a body
 * cut short, a client that hangs up or a broken boundary fails this request
 * only.
 */
function readMultipart(req: Request, limits: MultipartLimits): Promise<{ text: string; name?: string; filename?: string }> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limits.fileBytes, files: 1, fields: limits.fields, fieldSize: limits.fieldBytes, parts: limits.fields + 1, headerPairs: 20 },
      });
    } catch (err) {
      reject(new AppError('bad_request', `malformed multipart body: ${(err as Error).message}`));
      return;
    }
    // boundaries, part headers and CRLFs on top of the parts themselves
    const maxRequestBytes = limits.fileBytes + (limits.fields + 1) * (limits.fieldBytes + 1024);
    let received = 0;
    let settled = false;
    const fail = (err: AppError): void => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume(); // drain what the client still sends, so the error reply reaches it
      reject(err);
    };
    const tooLarge = (what: string): void => fail(new AppError('payload_too_large', what));
    const parts: Buffer[] = [];
    let name: string | undefined;
    let filename: string | undefined;
    let sawFile = false;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxRequestBytes) tooLarge(`multipart upload is larger than the limit of ${maxRequestBytes} bytes (api.uploadLimit plus api.multipartFields fields of api.multipartFieldBytes)`);
    });
    req.on('error', (err) => fail(new AppError('bad_request', `upload interrupted: ${err.message}`)));
    req.on('aborted', () => fail(new AppError('bad_request', 'upload interrupted: the client closed the connection')));
    bb.on('field', (field, value, info) => {
      if (info.valueTruncated) tooLarge(`multipart field '${field.slice(0, 64)}' is larger than the limit of ${limits.fieldBytes} bytes (api.multipartFieldBytes)`);
      else if (field === 'name') name = value;
    });
    bb.on('fieldsLimit', () => tooLarge(`multipart upload has more than ${limits.fields} fields (api.multipartFields)`));
    bb.on('partsLimit', () => tooLarge(`multipart upload has more than ${limits.fields + 1} parts (api.multipartFields plus the file)`));
    bb.on('filesLimit', () => tooLarge("multipart upload has more than one file part; send the CSV in the single field 'file'"));
    bb.on('file', (field, stream, info) => {
      stream.on('error', (err: Error) => fail(new AppError('bad_request', `malformed multipart body: ${err.message}`)));
      if (field !== 'file') {
        stream.resume();
        return;
      }
      sawFile = true;
      filename = info.filename;
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('limit', () => tooLarge(`uploaded file is larger than the limit of ${limits.fileBytes} bytes (api.uploadLimit)`));
    });
    bb.on('error', (err) => fail(new AppError('bad_request', `malformed multipart body: ${(err as Error).message}`)));
    bb.on('close', () => {
      if (settled) return;
      if (!sawFile) fail(new AppError('validation_failed', "multipart upload needs a 'file' field with the CSV"));
      else {
        settled = true;
        resolve({ text: Buffer.concat(parts).toString('utf8'), name, filename });
      }
    });
    req.pipe(bb);
  });
}

export function datasetRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const operator = requireRole(config, 'operator');
  const viewer = requireRole(config, 'viewer');
  const csvBody = express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: config.api.uploadLimit });

  router.post('/', operator, csvBody, async (req, res) => {
    const type = req.get('content-type') ?? '';
    requireBody(req, "a dataset as text/csv (with ?name=), multipart/form-data (field 'file') or application/json {name, rows}");
    let doc;
    if (/^multipart\/form-data/i.test(type)) {
      const up = await readMultipart(req, { fileBytes: toBytes(config.api.uploadLimit), fields: config.api.multipartFields, fieldBytes: config.api.multipartFieldBytes });
      const name = checkDatasetName(up.name ?? (typeof req.query.name === 'string' ? req.query.name : up.filename?.replace(/\.[^.]*$/, '')));
      checkCsvShape(up.text, config.limits);
      const table = parseCsv(up.text, { schema: parseTypes(req.query.types) });
      doc = await saveDataset(db, name, table, up.text);
    } else if (typeof req.body === 'string') {
      const name = checkDatasetName(req.query.name);
      checkCsvShape(req.body, config.limits);
      const table = parseCsv(req.body, { schema: parseTypes(req.query.types) });
      doc = await saveDataset(db, name, table, req.body);
    } else if (req.body && typeof req.body === 'object' && req.is('application/json')) {
      const parsed = jsonDatasetSchema.safeParse(req.body);
      if (!parsed.success) throw parsed.error;
      const name = checkDatasetName(parsed.data.name);
      const table = tableFromRecords(parsed.data.rows, parsed.data.columns?.map((c) => ({ name: c.name, kind: c.type })));
      checkTableShape(table, config.limits);
      doc = await saveDataset(db, name, table);
    } else {
      throw new AppError('unsupported_media_type', `send a dataset as text/csv (with ?name=), multipart/form-data (field 'file') or application/json {name, rows}; got '${type || 'no content type'}'`);
    }
    res.status(201).json(toDatasetView(doc));
  });

  router.get('/', viewer, async (req, res) => {
    const filter = typeof req.query.name === 'string' ? { name: req.query.name } : {};
    const docs = await db.datasets.find(filter).sort({ createdAt: -1 }).limit(500).lean();
    res.json({ datasets: docs.map((d) => toDatasetView(d as never)) });
  });

  router.get('/:id', viewer, async (req, res) => {
    res.json(toDatasetView(await resolveDataset(db, String(req.params.id))));
  });

  router.get('/:id/download', viewer, async (req, res) => {
    const doc = await resolveDataset(db, String(req.params.id));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${doc.name}-v${doc.version}.csv"`);
    res.setHeader('Content-Length', String(doc.sizeBytes));
    res.setHeader('X-Content-SHA256', doc.sha256);
    for await (const chunk of db.artifacts.stream(String(doc.fileId))) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  });

  return router;
}
