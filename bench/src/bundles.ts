import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { atMostTimes, type Row } from './results.js';
import { median } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
// Inside bench/, so the bundles find the external AWS SDK in node_modules, as Lambda's runtime provides it.
const outDir = join(here, '..', '.out');

type FrontDoor = 'wrapper' | 'Middy';

/**
 * How the oncely handler selects its key, and the target against Powertools' bundle (which always
 * carries JMESPath, its only way to select a key): without JMESPath at most half of it, with
 * JMESPath at most as large (issue 18).
 */
interface KeySelection {
  readonly name: string;
  /** The lambda file's suffix: `oncelyWrapper${suffix}.ts`, `oncelyMiddy${suffix}.ts`. */
  readonly suffix: string;
  readonly gzipTargetFactor: number;
}

const KEY_SELECTIONS: readonly KeySelection[] = [
  { name: 'key function', suffix: 'KeyFunction', gzipTargetFactor: 0.5 },
  { name: 'dotted path', suffix: 'DottedPath', gzipTargetFactor: 0.5 },
  { name: 'jmespath()', suffix: 'Jmespath', gzipTargetFactor: 1 },
];

const POWERTOOLS_ENTRIES: Record<FrontDoor, string> = { wrapper: 'powertoolsWrapper', Middy: 'powertoolsMiddy' };
const oncelyEntry = (frontDoor: FrontDoor, selection: KeySelection): string =>
  `oncely${frontDoor === 'wrapper' ? 'Wrapper' : 'Middy'}${selection.suffix}`;

interface Bundle {
  bytes: number;
  gzipBytes: number;
  importMs: number;
}

// The clock starts inside the fresh process, so Node's own start-up is not counted.
const IMPORT_SCRIPT =
  'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';

const importMs = (file: string): number => {
  const child = spawnSync(process.execPath, ['-e', IMPORT_SCRIPT, file], {
    cwd: outDir,
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (child.status !== 0) throw new Error(`Importing ${file} failed: ${child.stderr}`);
  return Number(child.stdout);
};

const bundle = async (entry: string, importRuns: number): Promise<Bundle> => {
  const outfile = join(outDir, `${entry}.cjs`);
  await build({
    entryPoints: [join(here, 'lambdas', `${entry}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  const code = readFileSync(outfile);
  const runs = Array.from({ length: importRuns }, () => importMs(outfile));
  return { bytes: code.length, gzipBytes: gzipSync(code).length, importMs: median(runs) };
};

/**
 * Bundles the same minimal handler written with each library, through its wrapper and through
 * Middy, with its DynamoDB store (esbuild: minified, node20, cjs, `@aws-sdk/*` external), and
 * measures bytes, gzip bytes and the median import time over fresh Node processes. oncely's
 * handler is bundled once per way of selecting the key (function, dotted path, `jmespath()`),
 * each beside Powertools' handler keyed with `eventKeyJmesPath`.
 *
 * @example
 * ```ts
 * const rows = await measureBundles(config.bundles.importRuns);
 * ```
 */
export const measureBundles = async (importRuns: number): Promise<Row[]> => {
  mkdirSync(outDir, { recursive: true });
  const rows: Row[] = [];
  const section = 'Bundle and cold start (esbuild, minified, @aws-sdk/* external)';
  for (const frontDoor of ['wrapper', 'Middy'] as const) {
    const powertools = await bundle(POWERTOOLS_ENTRIES[frontDoor], importRuns);
    for (const selection of KEY_SELECTIONS) {
      const oncely = await bundle(oncelyEntry(frontDoor, selection), importRuns);
      const variant = `${frontDoor}, ${selection.name}`;
      rows.push(
        {
          section,
          metric: `${variant}: bundle size`,
          unit: 'bytes',
          oncely: oncely.bytes,
          powertools: powertools.bytes,
          basis: 'measured',
        },
        {
          section,
          metric: `${variant}: bundle size, gzip`,
          unit: 'bytes',
          oncely: oncely.gzipBytes,
          powertools: powertools.gzipBytes,
          basis: 'measured',
          target: atMostTimes(selection.gzipTargetFactor, oncely.gzipBytes, powertools.gzipBytes),
        },
        {
          section,
          metric: `${variant}: import time, median of ${importRuns} processes`,
          unit: 'ms',
          oncely: oncely.importMs,
          powertools: powertools.importMs,
          basis: 'measured',
          target: atMostTimes(1, oncely.importMs, powertools.importMs),
        },
      );
    }
  }
  return rows;
};
