import { randomUUID } from 'node:crypto';
import { type IdempotencyStore, makeIdempotent } from '@oncely/core';
import { runCli } from './runCli';

/** A backend the `oncely` bin reads, and how the tests write records the bin then sees. */
export interface CliBackend {
  /** The flags that point the bin at the records `store()` writes. */
  connection(): string[];
  /** A store on the same records; called inside tests, so it may be made in a `beforeAll`. */
  store(): IdempotencyStore;
  /** How `oncely inspect` names where it looked for a key, e.g. `table "t"`. */
  where(): string;
  /** The status in a stored item, as `--raw` shows the item. */
  rawStatus(item: unknown): unknown;
}

const prefix = () => `cli-${randomUUID().slice(0, 8)}`;
const expiresAtSec = () => Math.floor(Date.now() / 1000) + 3600;

/**
 * Completes a call whose handler returns `result` through `store`, derives its key with
 * `oncely key`, and runs `oncely inspect KEY --json --raw` on `connection`.
 */
export const inspectCompleted = async (store: IdempotencyStore, connection: string[], result: unknown) => {
  const keyPrefix = prefix();
  const handler = makeIdempotent(async (_event: { orderId: string }) => result, {
    store,
    keyPrefix,
    localCache: false,
  });
  await handler({ orderId: 'o-1' });
  const key = (await runCli(['key', '--prefix', keyPrefix], '{"orderId":"o-1"}')).stdout.trim();
  const run = await runCli(['inspect', key, ...connection, '--json', '--raw']);
  return { key, run, shown: JSON.parse(run.stdout) };
};

/**
 * The commands' behaviours on any backend: each test writes records through the backend's
 * store, runs the bin as a child process on them, and reads the outcome back through the store.
 * Every test uses fresh keys under a fresh prefix, so one table or key space serves the suite.
 */
export const describeCliCommands = (backend: CliBackend): void => {
  const connection = () => backend.connection();

  /** A lock held by `owner` on a fresh key: a call that crashed, or is still running. */
  const lockKey = async (keyPrefix: string, lockedUntilMs: number, owner = randomUUID()) => {
    const key = `${keyPrefix}#${randomUUID()}`;
    const nowMs = Date.now();
    await backend.store().acquire({ key, owner, nowMs, lockedUntilMs, expiresAtSec: expiresAtSec() });
    return { key, owner };
  };

  const completedKey = async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);
    await backend.store().complete({ key, owner, data: '1', expiresAtSec: expiresAtSec() });
    return { key, owner };
  };

  describe('oncely key', () => {
    it('prints the key the handler uses for the payload on stdin', async () => {
      const keyPrefix = prefix();
      const store = backend.store();
      const handler = makeIdempotent(async (event: { orderId: string }) => event.orderId, {
        store,
        key: 'orderId',
        keyPrefix,
        localCache: false,
      });
      await handler({ orderId: 'o-7' });

      const run = await runCli(['key', '--prefix', keyPrefix, '--key-path', 'orderId'], '{"orderId":"o-7"}');
      const key = run.stdout.trim();

      expect(run.code).toBe(0);
      expect((await store.get(key))?.data).toBe('"o-7"');
    });
  });

  describe('oncely inspect', () => {
    it('shows a completed record, its result, the stored item and that a replay replays it, as JSON', async () => {
      const { key, run, shown } = await inspectCompleted(backend.store(), connection(), {
        paid: true,
        lines: ['a', 'b'],
      });

      expect(run.code).toBe(0);
      expect(shown).toMatchObject({ found: true, key, status: 'COMPLETED', replay: { action: 'replay' } });
      expect(shown.result).toEqual({ paid: true, lines: ['a', 'b'] });
      expect(backend.rawStatus(shown.item)).toBe('COMPLETED');
    });

    it('exits 1 for a key without a record, and says where it looked and that the call runs', async () => {
      const run = await runCli(['inspect', 'nobody#here', ...connection()]);

      expect(run.code).toBe(1);
      // Wrapped to 80 columns: read it as one line of words.
      const text = run.stdout.replace(/\s+/g, ' ');
      expect(text).toContain('runs now');
      expect(text).toContain(backend.where());
      for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    });

    it('shows a held lock with its owner and a wait-or-refuse replay, and with --raw the stored item', async () => {
      const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);

      const run = await runCli(['inspect', key, ...connection()]);
      const raw = await runCli(['inspect', key, ...connection(), '--raw']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`owner        ${owner}`);
      expect(run.stdout).toContain('replay now   wait-or-refuse');
      // Readable in an 80-column terminal: long explanations wrap under their field.
      for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      expect(raw.code).toBe(0);
      expect(raw.stdout).toContain(`owner        ${owner}`);
      expect(raw.stdout).toContain('replay now   wait-or-refuse');
      expect(raw.stdout).toMatch(/^item$/m);
      expect(raw.stdout.slice(raw.stdout.search(/^item$/m))).toContain(owner);
    });
  });

  describe('oncely list', () => {
    it('finds the stuck locks under a prefix, with a progress line on stderr', async () => {
      const keyPrefix = prefix();
      const stuck = await lockKey(keyPrefix, Date.now() - 60_000);
      await lockKey(keyPrefix, Date.now() + 60_000);

      const run = await runCli(['list', ...connection(), '--prefix', keyPrefix, '--stuck', '--json']);

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).map((record: { key: string }) => record.key)).toEqual([stuck.key]);
      expect(run.stderr).toMatch(/scanned \d+ items in \d+ pages/);
    });

    it('prints a table no wider than 80 columns and stops at --limit', async () => {
      const keyPrefix = prefix();
      for (let i = 0; i < 3; i++) await lockKey(keyPrefix, Date.now() + 60_000);

      const run = await runCli(['list', ...connection(), '--prefix', keyPrefix, '--limit', '2']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('2 records');
      for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    });
  });

  describe('oncely release', () => {
    it('refuses without --yes off a terminal, and leaves the lock', async () => {
      const { key } = await lockKey(prefix(), Date.now() - 1000);

      const run = await runCli(['release', key, ...connection()]);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain('pass --yes');
      expect(await backend.store().get(key)).toBeDefined();
    });

    it('refuses when the owner changed since inspect', async () => {
      const { key } = await lockKey(prefix(), Date.now() - 1000);

      const run = await runCli(['release', key, ...connection(), '--owner', 'the-owner-inspect-showed', '--yes']);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Refused: the record changed');
      expect(await backend.store().get(key)).toBeDefined();
    });

    it('deletes the lock of the owner shown, so the next retry runs', async () => {
      const { key, owner } = await lockKey(prefix(), Date.now() - 1000);

      const run = await runCli(['release', key, ...connection(), '--owner', owner, '--yes', '--json']);

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ key, done: true, action: 'release' });
      expect(await backend.store().get(key)).toBeUndefined();
    });

    it('refuses a completed record', async () => {
      const { key } = await completedKey();

      const run = await runCli(['release', key, ...connection(), '--yes']);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('use oncely forget');
      expect(await backend.store().get(key)).toBeDefined();
    });
  });

  describe('oncely forget', () => {
    it('deletes a completed record, so the next call runs again', async () => {
      const { key } = await completedKey();

      const run = await runCli(['forget', key, ...connection(), '--yes']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Forgot ${key}`);
      expect(await backend.store().get(key)).toBeUndefined();
    });
  });

  describe('oncely stats', () => {
    it('counts records by status and prefix', async () => {
      const keyPrefix = prefix();
      await lockKey(keyPrefix, Date.now() + 60_000);
      await lockKey(keyPrefix, Date.now() - 60_000);

      const run = await runCli(['stats', ...connection(), '--prefix', keyPrefix, '--json']);
      const stats = JSON.parse(run.stdout);

      expect(run.code).toBe(0);
      expect(stats.byStatus.INPROGRESS).toBe(2);
      expect(stats.byPrefix[keyPrefix]).toBe(2);
      expect(stats.stuck).toBe(1);
      expect(Object.values(stats.sizes).reduce((sum: number, count) => sum + (count as number), 0)).toBe(2);
    });
  });
};
