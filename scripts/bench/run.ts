import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchSection } from './bench.js';

/**
 * Runs every `*.bench.js` beside this file (or those named on the command
 * line), then writes bench-results/results.json and results.md.
 * Usage: npm run bench [-- --quick] [-- name ...]
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const report: Array<{ bench: string; sections: BenchSection[]; error?: string }> = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: Bench };
    const bench = mod.default;
    console.log(`\n### ${bench.name}`);
    try {
      const sections = await bench.run({ quick });
      for (const s of sections) console.log(toMarkdown(s));
      report.push({ bench: bench.name, sections });
    } catch (err) {
      console.error(`benchmark ${bench.name} failed:`, err);
      report.push({ bench: bench.name, sections: [], error: String(err) });
    }
  }
  const out = path.resolve('bench-results');
  mkdirSync(out, { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, quick, cpus: (await import('node:os')).cpus().length };
  writeFileSync(path.join(out, 'results.json'), JSON.stringify({ meta, report }, null, 2));
  const md = [`# Trainyard benchmarks`, '', `${meta.date}, Node ${meta.node}, ${meta.cpus} CPUs${quick ? ', quick' : ''}`, ''];
  for (const r of report) {
    md.push(`## ${r.bench}`, '');
    if (r.error) md.push(`FAILED: ${r.error}`, '');
    for (const s of r.sections) md.push(toMarkdown(s), '');
  }
  writeFileSync(path.join(out, 'results.md'), md.join('\n'));
  console.log(`\nwrote ${path.join(out, 'results.json')} and results.md`);
  if (report.some((r) => r.error)) process.exitCode = 1;
}

function toMarkdown(s: BenchSection): string {
  const lines = [`### ${s.title}`, ''];
  if (s.rows.length > 0) {
    const keys = Object.keys(s.rows[0]);
    lines.push(`| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`);
    for (const row of s.rows) lines.push(`| ${keys.map((k) => fmt(row[k])).join(' | ')} |`);
  }
  for (const n of s.notes ?? []) lines.push('', n);
  return lines.join('\n');
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v);
}

await main();
