import { type BenchResults, type LatencySeries, ratioOf } from './results.js';
import { percentile } from './stats.js';

const WIDTH = 900;
const COLORS = { oncely: '#2563eb', Powertools: '#f59e0b' } as const;
const escapeXml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const text = (x: number, y: number, content: string, attributes = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escapeXml(content)}</text>`;

// Latency as a cumulative distribution: x = latency (ms, to the largest p99), y = share of calls.
const latencyPanel = (series: readonly LatencySeries[], top: number): { svg: string; height: number } => {
  const height = 260;
  const left = 60;
  const plotWidth = WIDTH - left - 200;
  const plotHeight = height - 60;
  const maxMs = Math.max(...series.map((s) => percentile(s.samplesMs, 0.99))) * 1.05;
  const x = (ms: number) => left + (Math.min(ms, maxMs) / maxMs) * plotWidth;
  const y = (share: number) => top + 30 + plotHeight - share * plotHeight;
  const parts = [
    text(
      left,
      top + 18,
      'Latency against DynamoDB Local: share of calls answered within x ms (CDF)',
      'font-weight="bold"',
    ),
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const ms = (maxMs * tick) / 4;
    parts.push(text(x(ms), y(0) + 16, `${ms.toFixed(0)} ms`, 'text-anchor="middle" font-size="11"'));
    parts.push(text(left - 6, y(tick / 4) + 4, `${tick * 25}%`, 'text-anchor="end" font-size="11"'));
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(tick / 4)}" y2="${y(tick / 4)}" stroke="#e5e7eb"/>`,
    );
  }
  series.forEach((s, index) => {
    const sorted = [...s.samplesMs].sort((a, b) => a - b);
    const points = sorted.map((ms, i) => `${x(ms).toFixed(1)},${y((i + 1) / sorted.length).toFixed(1)}`).join(' ');
    const dash = s.label === 'replay' ? ' stroke-dasharray="6 3"' : '';
    parts.push(`<polyline fill="none" stroke="${COLORS[s.library]}" stroke-width="2"${dash} points="${points}"/>`);
    const legendY = top + 40 + index * 20;
    parts.push(
      `<line x1="${WIDTH - 130}" x2="${WIDTH - 100}" y1="${legendY}" y2="${legendY}" stroke="${COLORS[s.library]}" stroke-width="2"${dash}/>`,
    );
    parts.push(text(WIDTH - 95, legendY + 4, `${s.library}, ${s.label}`, 'font-size="12"'));
  });
  return { svg: parts.join('\n'), height };
};

// One bar per row with a ratio: oncely / Powertools, on a log scale around 1.
const ratioPanel = (results: BenchResults, top: number): { svg: string; height: number } => {
  const rows = results.rows.filter((row) => (ratioOf(row) ?? 0) > 0);
  const barHeight = 16;
  const labelWidth = 420;
  const center = labelWidth + (WIDTH - labelWidth - 60) / 2;
  const halfWidth = (WIDTH - labelWidth - 60) / 2;
  const scale = (ratio: number) => center + Math.max(-1, Math.min(1, Math.log10(ratio))) * halfWidth;
  const parts = [
    text(10, top + 18, 'oncely / Powertools (log scale; left of 1x: oncely uses less)', 'font-weight="bold"'),
  ];
  rows.forEach((row, index) => {
    const ratio = ratioOf(row) as number;
    const rowY = top + 30 + index * (barHeight + 4);
    const end = scale(ratio);
    parts.push(
      text(
        labelWidth - 8,
        rowY + 12,
        `${row.section.split(' (')[0]}: ${row.metric}`,
        'text-anchor="end" font-size="11"',
      ),
    );
    parts.push(
      `<rect x="${Math.min(center, end).toFixed(1)}" y="${rowY}" width="${Math.abs(end - center).toFixed(1)}" height="${barHeight}" fill="${ratio <= 1 ? COLORS.oncely : COLORS.Powertools}"/>`,
    );
    parts.push(
      text(
        end + (ratio <= 1 ? -4 : 4),
        rowY + 12,
        `${ratio.toFixed(2)}x`,
        `font-size="11" text-anchor="${ratio <= 1 ? 'end' : 'start'}"`,
      ),
    );
  });
  const bottom = top + 30 + rows.length * (barHeight + 4);
  parts.push(`<line x1="${center}" x2="${center}" y1="${top + 26}" y2="${bottom}" stroke="#111827"/>`);
  for (const tick of [0.1, 1, 10])
    parts.push(text(scale(tick), bottom + 14, `${tick}x`, 'text-anchor="middle" font-size="11"'));
  return { svg: parts.join('\n'), height: bottom + 24 - top };
};

/**
 * An SVG with the latency distributions of both libraries (CDF) and a bar per ratio.
 *
 * @example
 * ```ts
 * writeFileSync('results.svg', renderChart(results));
 * ```
 */
export const renderChart = (results: BenchResults): string => {
  const latency = results.latency.length > 0 ? latencyPanel(results.latency, 0) : { svg: '', height: 0 };
  const ratios = ratioPanel(results, latency.height + 10);
  const height = latency.height + 10 + ratios.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13" role="img">`,
    '<title>oncely and Powertools idempotency: latency on DynamoDB Local and cost ratios</title>',
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    latency.svg,
    ratios.svg,
    '</svg>',
    '',
  ].join('\n');
};
