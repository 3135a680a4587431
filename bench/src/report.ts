import { cpus } from 'node:os';
import { type BenchResults, type Row, ratioOf } from './results.js';

const formatNumber = (value: number | undefined, unit: string): string => {
  if (value === undefined || Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value)) return `${value.toLocaleString('en-US')} ${unit}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
};

const formatRatio = (row: Row): string => {
  const ratio = ratioOf(row);
  return ratio === undefined ? '—' : `${ratio.toFixed(2)}x`;
};

const formatTarget = (row: Row): string =>
  row.target === undefined ? '' : `${row.target.text}: ${row.target.met ? 'met' : '**not met**'}`;

/**
 * The results as a Markdown document: run facts, then one table per section
 * (metric | oncely | Powertools | ratio | basis | target).
 *
 * @example
 * ```ts
 * writeFileSync('RESULTS.md', renderMarkdown(results, { quick: false, wallSeconds: 212 }));
 * ```
 */
export const renderMarkdown = (
  results: BenchResults,
  run: { quick: boolean; wallSeconds: number; powertoolsVersion: string },
): string => {
  const cpuList = cpus();
  const lines = [
    '# oncely vs Powertools for AWS Lambda (idempotency): benchmark results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Node ${process.version} on ${process.platform}/${process.arch}, ${cpuList.length} cores (${cpuList[0]?.model.trim() ?? 'unknown CPU'})`,
    `- Powertools: @aws-lambda-powertools/idempotency ${run.powertoolsVersion}`,
    `- Run: ${run.quick ? '`--quick` (smoke run: fewer calls, noisier numbers)' : 'full'}, ${run.wallSeconds.toFixed(0)} s wall time`,
    '- Ratio = oncely / Powertools (lower is better, except for throughput and callers that get the result).',
    '- Basis: *measured* = timed or counted in this run; *reported* = DynamoDB Local returned `ConsumedCapacity`;',
    "  *computed* = derived from item sizes by DynamoDB's published rounding rules (see README).",
    '- Targets are printed beside the numbers and judged honestly; they are not assertions.',
    '',
  ];
  const sections = [...new Set(results.rows.map((row) => row.section))];
  for (const section of sections) {
    lines.push(
      `## ${section}`,
      '',
      '| metric | oncely | Powertools | ratio | basis | target |',
      '|---|---:|---:|---:|---|---|',
    );
    for (const row of results.rows.filter((r) => r.section === section)) {
      lines.push(
        `| ${row.metric} | ${formatNumber(row.oncely, row.unit)} | ${formatNumber(row.powertools, row.unit)} | ${formatRatio(row)} | ${row.basis} | ${formatTarget(row)} |`,
      );
    }
    lines.push('');
  }
  if (results.notes.length > 0) lines.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  lines.push('![Latency distributions and overhead ratios](results.svg)', '');
  return lines.join('\n');
};

/**
 * The results as plain text for the terminal: one aligned line per row.
 *
 * @example
 * ```ts
 * process.stdout.write(renderText(results));
 * ```
 */
export const renderText = (results: BenchResults): string => {
  const table = results.rows.map((row) => [
    `${row.section.split(' (')[0]}: ${row.metric}`,
    formatNumber(row.oncely, row.unit),
    formatNumber(row.powertools, row.unit),
    formatRatio(row),
    row.basis,
    formatTarget(row).replaceAll('**', ''),
  ]);
  const header = ['metric', 'oncely', 'Powertools', 'ratio', 'basis', 'target'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...table.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...table.map(line)].join('\n')}\n`;
};
