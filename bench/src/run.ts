// npm run bench [-- --quick] [-- --only=cpu|bundles|dynamodb|redis]: the measurements (all, or one section),
// then RESULTS.md, results.svg and the table on stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { measureBundles } from './bundles.js';
import { measureCapacity } from './capacity.js';
import { renderChart } from './chart.js';
import { benchConfig } from './config.js';
import { measureCpuOverhead } from './cpuOverhead.js';
import { measureDuplicates } from './duplicates.js';
import { measureLatency } from './latency.js';
import { startLocalDynamoDB } from './localDynamoDB.js';
import { startLocalRedis } from './localRedis.js';
import { measureRedis } from './redis.js';
import { renderMarkdown, renderText } from './report.js';
import type { BenchResults } from './results.js';
import { measureRoundTrips } from './roundTrips.js';

// The AWS SDK warns on Node 20 about its future support window (when a client is built);
// the results are the only output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// The package does not export its package.json: read it beside its resolved entry (lib/cjs/index.js).
const powertoolsEntry = createRequire(import.meta.url).resolve('@aws-lambda-powertools/idempotency');
const powertoolsVersion = (
  JSON.parse(readFileSync(join(dirname(powertoolsEntry), '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

const config = benchConfig(process.argv.slice(2));
// `--only=<section>` runs one section, e.g. while working on it; its results go to .out/ like a quick run's.
const sections = ['cpu', 'bundles', 'dynamodb', 'redis'] as const;
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
if (only !== undefined && !(sections as readonly string[]).includes(only)) {
  throw new Error(`--only=${only}: use one of ${sections.join(', ')}`);
}
const runs = (section: (typeof sections)[number]): boolean => only === undefined || only === section;
const startMs = performance.now();
const results: BenchResults = {
  rows: [],
  latency: [],
  notes: [
    "CPU overhead: both stores in memory; Powertools' Map-backed layer keeps results by reference (no marshalling), oncely's InMemoryStore keeps JSON text, as its engine encodes results itself. The key is the whole event for both (their default); the handler returns a result as large as the event.",
    "Capacity: DynamoDB Local reports ConsumedCapacity for successful requests; a replay's failed conditional write reports none and is computed as 1 WCU per KB (rounded up) of the existing item returned with ALL_OLD.",
    'Latency, throughput and client CPU are local: DynamoDB Local runs on the same machine, so they show client-side differences, not AWS network latency.',
    "Redis: oncely's RedisStore and Powertools' CachePersistenceLayer on one @redis/client client each, against a redis-server on this machine (no persistence); the same calls as the DynamoDB Local round-trip and latency sections (compare each Redis row with the DynamoDB Local row of the same name), counted as commands the client sends.",
    'Cold start: import time of the bundle in a fresh Node process, the external AWS SDK (loaded by both) included.',
  ],
};

if (runs('cpu')) results.rows.push(...(await measureCpuOverhead(config.cpu)));
if (runs('bundles')) results.rows.push(...(await measureBundles(config.bundles.importRuns)));
if (runs('dynamodb')) {
  const local = await startLocalDynamoDB();
  try {
    results.rows.push(...(await measureRoundTrips(local)));
    results.rows.push(...(await measureCapacity(local)));
    const latency = await measureLatency(local, config.latency);
    results.rows.push(...latency.rows);
    results.latency.push(...latency.series);
    results.rows.push(...(await measureDuplicates(local, config.duplicates)));
  } finally {
    await local.stop();
  }
}
const redis = runs('redis') ? await startLocalRedis() : undefined;
if (runs('redis') && redis === undefined) {
  results.notes.push('Redis: skipped, redis-server is not on PATH.');
} else if (redis !== undefined) {
  try {
    results.rows.push(...(await measureRedis(redis, config.redis)));
  } finally {
    await redis.stop();
  }
}

const wallSeconds = (performance.now() - startMs) / 1000;
// A quick run is a smoke test and a one-section run is partial: their numbers go to .out/ and never
// replace the published results.
const outDir = config.quick || only !== undefined ? join(benchDir, '.out') : benchDir;
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'RESULTS.md'),
  renderMarkdown(results, { quick: config.quick, wallSeconds, powertoolsVersion }),
);
writeFileSync(join(outDir, 'results.svg'), renderChart(results));
process.stdout.write(renderText(results));
process.stdout.write(
  `\n${config.quick ? 'quick run' : 'full run'}${only === undefined ? '' : ` of ${only} only`}: ${wallSeconds.toFixed(0)} s; wrote ${relative(process.cwd(), join(outDir, 'RESULTS.md'))} and results.svg\n`,
);
