// The packages as a user gets them, after `npm run build`: packs the four public packages, installs
// the tarballs and the peer dependencies (at the lockfile's versions) into a fresh app outside the
// work tree, type-checks that app under `node16` (CommonJS), `nodenext` (ESM) and `bundler` without
// `skipLibCheck`, bundles it with esbuild to ESM and to CommonJS, and runs the bundles against
// DynamoDB Local: the first call runs the handler, a replay in a fresh process returns the stored
// result. The app imports the subpaths @oncely/core/engine (the wrapper's record is found by the
// key idempotencyKey derives) and @oncely/core/jmespath (the Middy handler's key), and builds its
// handlers with the 1.0 options, so the bundles check them at load. Then type-checks again with
// @middy/core 6. Exits non-zero with the failing step's output
// on any problem. About 45 s; `ONCELY_CONSUMER_KEEP=1` keeps the temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const publicPackages = ['core', 'dynamodb', 'middy', 'redis'];
const started = Date.now();
// The AWS SDK warns that its 2027 releases need Node 22; the bundles run on whatever node runs this.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Peer and type dependencies at the versions the work tree's lockfile pins, so npm can take them
// from its cache.
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const locked = (name) => {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) fail(`${name} is not in package-lock.json`);
  return `${name}@${version}`;
};

// The banner an ESM bundle needs when it includes a CommonJS package that requires Node built-ins
// (@redis/client does): esbuild turns those `require` calls into a shim that throws "Dynamic
// require of "net" is not supported" unless a `require` exists. The alias keeps the banner's
// binding from clashing with a bundled `import { createRequire }`. As the @oncely/redis README shows.
const esmBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

function fail(message, output = '') {
  console.error(`consumer test FAILED: ${message}`);
  if (output) console.error(output.trimEnd());
  process.exit(1);
}

const step = (name) => console.log(`consumer: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) fail(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
};

const mustRun = (what, command, args, options) => {
  const result = run(command, args, options);
  if (!result.ok) fail(what, result.output);
  return result;
};

const work = mkdtempSync(join(tmpdir(), 'oncely-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(join(app, 'src'), { recursive: true });
let dynamodb;
process.on('exit', () => {
  if (process.env.ONCELY_CONSUMER_KEEP === '1') console.log(`consumer: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

// 1. Pack.
step('packing');
const tarballPaths = [];
for (const name of publicPackages) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'dist', 'esm', 'index.js')) || !existsSync(join(dir, 'dist', 'cjs', 'index.js'))) {
    fail(`packages/${name}/dist is missing: run \`npm run build\` first`);
  }
  const packed = mustRun(`npm pack of packages/${name}`, 'npm', ['pack', '--json', '--pack-destination', tarballs], {
    cwd: dir,
  });
  const [info] = JSON.parse(packed.stdout);
  console.log(
    `  ${info.name}: ${info.filename}, ${info.entryCount} files, ${(info.size / 1024).toFixed(1)} kB packed, ` +
      `${(info.unpackedSize / 1024).toFixed(1)} kB unpacked`,
  );
  tarballPaths.push(join(tarballs, info.filename));
}

// 2. A fresh app with the tarballs and the peers.
step('installing into a fresh app');
const writeApp = (path, text) => writeFileSync(join(app, path), `${text.trim()}\n`);
// The app's `type` decides whether its .ts files are CommonJS or ESM under node16/nodenext.
const setAppType = (type) => {
  const path = join(app, 'package.json');
  const manifest = existsSync(path)
    ? JSON.parse(readFileSync(path, 'utf8'))
    : { name: 'oncely-consumer', private: true };
  writeApp('package.json', JSON.stringify({ ...manifest, type }, null, 2));
};
setAppType('commonjs');
mustRun(
  'npm install of the tarballs and peer dependencies',
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    ...tarballPaths,
    locked('@aws-sdk/client-dynamodb'),
    locked('@middy/core'),
    locked('@redis/client'),
    locked('@types/aws-lambda'),
    locked('@types/node'),
  ],
  { cwd: app },
);

// The app: one source tree, valid as CommonJS and as ESM.
writeApp(
  'src/store.ts',
  `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createIdempotencyTable, DynamoDBStore } from '@oncely/dynamodb';

const tableName = process.env.IDEMPOTENCY_TABLE ?? 'idempotency';
const client = new DynamoDBClient({
  endpoint: process.env.DYNAMODB_ENDPOINT ?? 'http://127.0.0.1:8000',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

export const store = new DynamoDBStore({ tableName, client });
export const createTable = () => createIdempotencyTable({ client, tableName });
/** How often each handler body ran in this process. */
export const runs = { wrapper: 0, middy: 0 };

export interface Order {
  orderId: string;
  amount: number;
}
export interface Receipt {
  charged: number;
  chargeId: string;
}
export const charge = (order: Order): Receipt => ({
  charged: order.amount,
  chargeId: \`ch_\${Date.now()}_\${Math.random().toString(36).slice(2)}\`,
});
`,
);
writeApp(
  'src/wrapper.ts',
  `
import { errorNamed, makeIdempotent } from '@oncely/core';
import type { LambdaContextLike } from '@oncely/core/engine';
import { charge, type Order, type Receipt, runs, store } from './store.js';

export const handler = makeIdempotent(
  async (order: Order, _context: LambdaContextLike): Promise<Receipt> => {
    runs.wrapper += 1;
    return charge(order);
  },
  {
    store,
    key: 'orderId',
    validate: 'amount',
    keyPrefix: 'consumer-wrapper',
    whenInProgress: { waitMs: 5_000 },
    cacheErrors: errorNamed('CardDeclined'),
  },
);
`,
);
writeApp(
  'src/middy.ts',
  `
import type { Context } from 'aws-lambda';
import { jmespath } from '@oncely/core/jmespath';
import { idempotency } from '@oncely/middy';
import { charge, type Order, type Receipt, runs, store } from './store.js';

let chain: ((order: Order, context: Context) => Promise<Receipt>) | undefined;

// @middy/core ships ESM only: CommonJS code loads it with import() (a bundle inlines it).
export const middyHandler = async (order: Order, context: Context): Promise<Receipt> => {
  if (!chain) {
    const { default: middy } = await import('@middy/core');
    chain = middy(async (event: Order): Promise<Receipt> => {
      runs.middy += 1;
      return charge(event);
    }).use(idempotency({ store, key: jmespath('orderId'), keyPrefix: 'consumer-middy' }));
  }
  return chain(order, context);
};
`,
);
writeApp(
  'src/redis.ts',
  `
import { httpResponses, makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { createClient } from '@redis/client';

// Built, never connected: the app checks that the types fit and that the bundle loads.
export const redisClient = createClient({ url: 'redis://127.0.0.1:6379', commandOptions: { timeout: 1_000 } });
export const redisStore = new RedisStore({ client: redisClient, keyPrefix: 'consumer:' });
// An HTTP handler keyed on the client's header; never called.
const echo = async (request: { headers: Record<string, string>; body: string }) => ({ statusCode: 200, body: request.body });
export const redisHandler = makeIdempotent(echo, {
  store: redisStore,
  key: { header: 'Idempotency-Key' },
  scope: false,
  keyPrefix: 'consumer-redis',
  lock: { durationMs: 10_000, renew: true },
  responses: httpResponses,
});
`,
);
writeApp(
  'src/engine.ts',
  `
import { idempotencyKey } from '@oncely/core/engine';
import { store } from './store.js';

/** The wrapper's record of an order, found by the key the engine entry point derives. */
export const wrapperRecord = (orderId: string) => store.get(idempotencyKey('consumer-wrapper', orderId, 'sha256'));
`,
);
writeApp(
  'src/index.ts',
  `
export { wrapperRecord } from './engine.js';
export { middyHandler } from './middy.js';
export { redisHandler, redisStore } from './redis.js';
export { createTable, runs } from './store.js';
export { handler } from './wrapper.js';
`,
);
writeApp(
  'src/aws.ts',
  `
export { wrapperRecord } from './engine.js';
export { middyHandler } from './middy.js';
export { createTable, runs } from './store.js';
export { handler } from './wrapper.js';
`,
);

// 3. Type-check, three ways, with the libraries' declarations checked too.
const compilerOptions = {
  strict: true,
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
  noEmit: true,
  skipLibCheck: false,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
};
const modes = [
  { name: 'node16 (CommonJS)', type: 'commonjs', module: 'node16', moduleResolution: 'node16' },
  { name: 'nodenext (ESM)', type: 'module', module: 'nodenext', moduleResolution: 'nodenext' },
  { name: 'bundler', type: 'module', module: 'esnext', moduleResolution: 'bundler' },
];
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// Errors inside other libraries' declarations are not ours to fix (@middy/core 7 imports the types
// of its optional peer @aws/durable-execution-sdk-js); they are shown, and fail nothing.
const ours = (line) => !line.startsWith('node_modules/') || line.startsWith('node_modules/@oncely/');
const typeCheck = (mode, what) => {
  const config = `tsconfig.${mode.module}.json`;
  writeApp(
    config,
    JSON.stringify(
      {
        compilerOptions: { ...compilerOptions, module: mode.module, moduleResolution: mode.moduleResolution },
        include: ['src'],
      },
      null,
      2,
    ),
  );
  const checked = run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: app });
  if (checked.ok) return;
  const errors = checked.output.split('\n').filter((line) => /^\S.*: error TS\d+/.test(line));
  const ourErrors = errors.filter(ours);
  if (ourErrors.length > 0 || errors.length === 0) fail(`tsc, ${what}`, checked.output);
  console.log(`  ${errors.length} error(s) in other libraries' declarations, not ours:`);
  for (const line of new Set(errors.map((error) => error.replace(/\(\d+,\d+\)/, '')))) console.log(`    ${line}`);
};
for (const mode of modes) {
  step(`type-checking, ${mode.name}`);
  setAppType(mode.type);
  typeCheck(mode, mode.name);
}

// 4. Bundle, as a Lambda deployment would.
step('bundling with esbuild');
const { build } = await import(pathToFileURL(join(root, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
// ESM takes the AWS SDK's ESM builds (`module`), as the README recommends; a second ESM bundle
// without the Redis client shows that oncely and the AWS SDK need no `require` banner.
const bundles = [
  { name: 'esm', entry: 'index.ts', format: 'esm', mainFields: ['module', 'main'], banner: { js: esmBanner } },
  { name: 'cjs', entry: 'index.ts', format: 'cjs' },
  { name: 'esm-no-banner', entry: 'aws.ts', format: 'esm', mainFields: ['module', 'main'] },
].map(({ name, entry, ...options }) => ({
  name,
  entry,
  options,
  outfile: join(app, 'out', `${name}.${options.format === 'esm' ? 'mjs' : 'cjs'}`),
}));
for (const bundle of bundles) {
  try {
    await build({
      entryPoints: [join(app, 'src', bundle.entry)],
      outfile: bundle.outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      ...bundle.options,
    });
  } catch (error) {
    fail(`esbuild, ${bundle.name} bundle`, String(error?.message ?? error));
  }
}

// 5. Run both bundles against DynamoDB Local, each call in a fresh process, as a new Lambda
// container would: the replay can only come from the table.
writeApp(
  'invoke.mjs',
  `
import { createRequire } from 'node:module';
const [bundle, phase, handlerName] = process.argv.slice(2);
const app = bundle.endsWith('.cjs') ? createRequire(import.meta.url)(bundle) : await import(bundle);
const context = { functionName: 'consumer', awsRequestId: 'req-' + phase, getRemainingTimeInMillis: () => 30_000 };
if ('redisStore' in app && app.redisStore.constructor.name !== 'RedisStore') throw new Error('redisStore is not a RedisStore');
if (phase === 'first') await app.createTable();
const result = await app[handlerName]({ orderId: 'order-1', amount: 42 }, context);
const record = handlerName === 'handler' ? await app.wrapperRecord('order-1') : undefined;
process.stdout.write(JSON.stringify({ result, runs: app.runs, recordStatus: record?.status }));
process.exit(0); // the DynamoDB client keeps sockets open
`,
);
step('starting DynamoDB Local');
const localEntry = join(root, 'packages', 'dynamodb-local', 'dist', 'esm', 'index.js');
if (!existsSync(localEntry)) fail('packages/dynamodb-local/dist is missing: run `npm run build` first');
const { startDynamoDBLocal } = await import(pathToFileURL(localEntry).href);
try {
  dynamodb = await startDynamoDBLocal();
} catch (error) {
  fail('DynamoDB Local did not start (Java 17+ is needed)', String(error?.message ?? error));
}
try {
  for (const bundle of bundles) {
    const table = `consumer-${bundle.name}`;
    const env = { ...process.env, DYNAMODB_ENDPOINT: dynamodb.endpoint, IDEMPOTENCY_TABLE: table };
    for (const [handlerName, counter] of [
      ['handler', 'wrapper'],
      ['middyHandler', 'middy'],
    ]) {
      step(`running the ${bundle.name} bundle's ${handlerName}`);
      const invoke = (phase) => {
        const what = `${bundle.name} bundle, ${handlerName}, ${phase} call`;
        const called = run(process.execPath, ['invoke.mjs', bundle.outfile, phase, handlerName], { cwd: app, env });
        if (!called.ok) fail(what, called.output);
        try {
          return JSON.parse(called.stdout);
        } catch {
          fail(`${what} printed no result`, called.output);
        }
      };
      const first = invoke('first');
      if (first.runs[counter] !== 1) fail(`${bundle.name} ${handlerName}: the first call did not run the handler`);
      if (handlerName === 'handler' && first.recordStatus !== 'COMPLETED') {
        fail(`${bundle.name} ${handlerName}: no completed record under the key idempotencyKey derives`);
      }
      const replay = invoke('replay');
      if (replay.runs[counter] !== 0) fail(`${bundle.name} ${handlerName}: the replay ran the handler again`);
      if (JSON.stringify(replay.result) !== JSON.stringify(first.result)) {
        fail(
          `${bundle.name} ${handlerName}: the replay did not return the stored result`,
          `first:  ${JSON.stringify(first.result)}\nreplay: ${JSON.stringify(replay.result)}`,
        );
      }
    }
  }
} finally {
  await dynamodb.stop();
}

// 6. The Middy types again with @middy/core 6, the other major the peer range allows: its
// declarations are ESM too, and CommonJS declarations that import them without
// `resolution-mode: 'import'` fail with TS1541.
const middy6 = lock.packages['node_modules/middy6']?.version;
if (!middy6) fail('middy6 (@middy/core 6) is not in package-lock.json');
step(`type-checking with @middy/core ${middy6}`);
setAppType('commonjs');
mustRun(
  'npm install of @middy/core 6',
  'npm',
  ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `@middy/core@${middy6}`],
  {
    cwd: app,
  },
);
for (const mode of modes) {
  setAppType(mode.type);
  typeCheck(mode, `@middy/core ${middy6}, ${mode.name}`);
}
step('passed');
