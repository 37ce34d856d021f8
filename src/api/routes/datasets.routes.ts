import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { tableFromRecords, type ColumnKind } from '../../ml/data/table.js';
import { checkDatasetName, checkTableShape, resolveDataset, saveCsvStream, saveDataset, toDatasetView } from '../../registry/dataset-service.js';
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

/** What the rest of a multipart upload said, once it has all arrived. */
export interface MultipartFields {
  name?: string;
  filename?: string;
}

/**
 * Streams the `file` field of a multipart upload to `onFile` as text while
 * it arrives (the other fields, such as `name`, may come before or after it:
 * `fields` settles when the whole body has been read). The whole request is
 * bounded: one file, a few small fields, and no more raw bytes than those
 * allow. Every stream involved has an error path, so a body cut short, a
 * client that hangs up or a broken boundary fails this request only, and
 * the file stream `onFile` reads fails with it (so a write it feeds is
 * aborted).
 */
function readMultipart<T>(req: Request, limits: MultipartLimits, onFile: (text: AsyncIterable<string>, fields: Promise<MultipartFields>) => Promise<T>): Promise<T> {
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
    let file: Readable | null = null;
    let work: Promise<T> | null = null;
    const fields: MultipartFields = {};
    let fieldsDone: (f: MultipartFields) => void = () => undefined;
    let fieldsFailed: (err: unknown) => void = () => undefined;
    const allFields = new Promise<MultipartFields>((res, rej) => {
      fieldsDone = res;
      fieldsFailed = rej;
    });
    allFields.catch(() => undefined);
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume(); // drain what the client still sends, so the error reply reaches it
      file?.destroy(err as Error); // the reader of the file stream sees the failure and aborts its write
      fieldsFailed(err);
      // the file's reader may be mid-write: answer once it has let go
      void (work ?? Promise.resolve()).catch(() => undefined).finally(() => reject(err));
    };
    const tooLarge = (what: string): void => fail(new AppError('payload_too_large', what));
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxRequestBytes) tooLarge(`multipart upload is larger than the limit of ${maxRequestBytes} bytes (api.uploadLimit plus api.multipartFields fields of api.multipartFieldBytes)`);
    });
    req.on('error', (err) => fail(new AppError('bad_request', `upload interrupted: ${err.message}`)));
    req.on('aborted', () => fail(new AppError('bad_request', 'upload interrupted: the client closed the connection')));
    bb.on('field', (field, value, info) => {
      if (info.valueTruncated) tooLarge(`multipart field '${field.slice(0, 64)}' is larger than the limit of ${limits.fieldBytes} bytes (api.multipartFieldBytes)`);
      else if (field === 'name') fields.name = value;
    });
    bb.on('fieldsLimit', () => tooLarge(`multipart upload has more than ${limits.fields} fields (api.multipartFields)`));
    bb.on('partsLimit', () => tooLarge(`multipart upload has more than ${limits.fields + 1} parts (api.multipartFields plus the file)`));
    bb.on('filesLimit', () => tooLarge("multipart upload has more than one file part; send the CSV in the single field 'file'"));
    bb.on('file', (field, stream, info) => {
      stream.on('error', (err: Error) => fail(err instanceof AppError ? err : new AppError('bad_request', `malformed multipart body: ${err.message}`)));
      if (field !== 'file' || work) {
        stream.resume();
        return;
      }
      file = stream;
      fields.filename = info.filename;
      stream.on('limit', () => tooLarge(`uploaded file is larger than the limit of ${limits.fileBytes} bytes (api.uploadLimit)`));
      work = onFile(decodeText(stream, 'utf-8'), allFields);
      work.catch((err) => fail(err));
    });
    bb.on('error', (err) => fail(new AppError('bad_request', `malformed multipart body: ${(err as Error).message}`)));
    bb.on('close', () => {
      if (settled) return;
      if (!work) return fail(new AppError('validation_failed', "multipart upload needs a 'file' field with the CSV"));
      fieldsDone(fields);
      work.then(
        (result) => {
          if (settled) return;
          settled = true;
          resolve(result);
        },
        (err) => fail(err),
      );
    });
    req.pipe(bb);
  });
}

/** Text of a byte stream decoded as it arrives (a character split across chunks is kept whole). */
async function* decodeText(source: AsyncIterable<Buffer | string>, charset: string): AsyncGenerator<string> {
  const decoder = new TextDecoder(charset);
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * A text/csv request body as text, read as it arrives: at most `limit`
 * bytes (413 naming api.upload_limit past it), in the charset its
 * Content-Type names (UTF-8 when it names none; 415 for one we cannot read).
 */
function csvRequestText(req: Request, limit: number): AsyncIterable<string> {
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2]?.trim() ?? 'utf-8';
  try {
    new TextDecoder(charset);
  } catch {
    throw new AppError('unsupported_media_type', `unsupported charset "${charset.toUpperCase().slice(0, 40)}": send the CSV as UTF-8`);
  }
  async function* bounded(): AsyncGenerator<Buffer> {
    let received = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) throw new AppError('payload_too_large', `dataset upload is larger than the limit of ${limit} bytes (api.upload_limit)`);
      yield chunk;
    }
  }
  return decodeText(bounded(), charset);
}

/** Content types read as a CSV body. */
const CSV_TYPES = ['text/csv', 'text/plain', 'application/csv'];

export function datasetRoutes(deps: ApiDeps): Router {
  const { config, db } = deps;
  const router = Router();
  const operator = requireRole(config, 'operator');
  const viewer = requireRole(config, 'viewer');
  const uploadBytes = toBytes(config.api.uploadLimit);

  router.post('/', operator, async (req, res) => {
    const type = req.get('content-type') ?? '';
    requireBody(req, "a dataset as text/csv (with ?name=), multipart/form-data (field 'file') or application/json {name, rows}");
    const schema = parseTypes(req.query.types);
    let doc;
    try {
      if (/^multipart\/form-data/i.test(type)) {
        const limits = { fileBytes: uploadBytes, fields: config.api.multipartFields, fieldBytes: config.api.multipartFieldBytes };
        doc = await readMultipart(req, limits, (text, fields) =>
          saveCsvStream(db, text, {
            schema,
            limits: config.limits,
            // the name field may follow the file: it is read once the whole body is in
            name: async () => {
              const f = await fields;
              return f.name ?? (typeof req.query.name === 'string' ? req.query.name : (f.filename?.replace(/\.[^.]*$/, '') ?? ''));
            },
          }),
        );
      } else if (CSV_TYPES.some((t) => type.toLowerCase().startsWith(t))) {
        const name = checkDatasetName(req.query.name);
        doc = await saveCsvStream(db, csvRequestText(req, uploadBytes), { schema, limits: config.limits, name: () => name });
      } else if (req.body && typeof req.body === 'object' && req.is('application/json')) {
        // parsed by requireRole's JSON parser, after the key was checked
        const parsed = jsonDatasetSchema.safeParse(req.body);
        if (!parsed.success) throw parsed.error;
        const name = checkDatasetName(parsed.data.name);
        const table = tableFromRecords(parsed.data.rows, parsed.data.columns?.map((c) => ({ name: c.name, kind: c.type })));
        checkTableShape(table, config.limits);
        doc = await saveDataset(db, name, table);
      } else {
        throw new AppError('unsupported_media_type', `send a dataset as text/csv (with ?name=), multipart/form-data (field 'file') or application/json {name, rows}; got '${type || 'no content type'}'`);
      }
    } catch (err) {
      req.resume(); // drain what the client still sends, so the error reply reaches it
      throw err;
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
