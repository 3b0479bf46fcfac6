// The bench's results: figures with units and ratios to the baseline, a printed table, a JSON file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Figure {
  key: string;
  label: string;
  value: number;
  unit: string;
  /** What the ratio is taken against, e.g. "bare Express req/s". */
  against?: string;
  ratio?: number;
}

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export interface BenchReport {
  timestamp: string;
  commit: string | null;
  node: string;
  cpus: number;
  options: object;
  figures: Figure[];
  checks: Check[];
  /** Lines that sum figures up (e.g. how close a campaign comes to its physical limit). */
  notes?: string[];
  profile?: object;
}

export function figure(
  key: string,
  label: string,
  value: number,
  unit: string,
  baseline?: { value: number; against: string },
): Figure {
  if (!baseline) return { key, label, value, unit };
  return { key, label, value, unit, against: baseline.against, ratio: value / baseline.value };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function formatTable(
  figures: readonly Figure[],
  checks: readonly Check[],
  notes: readonly string[] = [],
): string {
  const rows = figures.map((f) => [
    f.label,
    formatNumber(f.value),
    f.unit,
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`,
    f.against ?? '',
  ]);
  const header = ['figure', 'value', 'unit', 'ratio', 'ratio against'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

/** Writes results/<timestamp>.json and results/latest.json; returns the first path. */
export function writeReport(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.timestamp.replace(/[:.]/g, '-')}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(join(dir, 'latest.json'), json);
  return file;
}
