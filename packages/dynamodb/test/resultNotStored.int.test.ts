import { randomBytes } from 'node:crypto';
import { type DecisionEvent, errorNamed, IdempotencyResultNotStoredError, makeIdempotent } from '@oncely/core';
import { idempotencyKey } from '@oncely/core/engine';
import { lambdaContext, recordingLogger } from '../../core/test/fixtures';
import { countRequests, useTestTable } from './fixtures';

const local = useTestTable();

// 600 KB of random bytes as base64: no compression brings it under DynamoDB's 400 KB item limit.
const incompressible = (): string => randomBytes(450 * 1024).toString('base64');

describe('a result DynamoDB can never store', () => {
  it('reaches its first caller once; replays get IdempotencyResultNotStoredError and the handler never runs again', async () => {
    const requests = countRequests(local.client);
    const logger = recordingLogger();
    const decisions: DecisionEvent[] = [];
    let runs = 0;
    const handler = makeIdempotent(
      async (_event: { reportId: string }, _context?: unknown) => {
        runs += 1;
        return { report: incompressible() };
      },
      { store: local.store, keyPrefix: 'reports', key: 'reportId', logger, onDecision: (e) => decisions.push(e) },
    );

    const first = await handler({ reportId: 'r-1' }, lambdaContext());
    const completions = requests.sent.filter((command) => command === 'UpdateItemCommand').length;
    const replay = handler({ reportId: 'r-1' }, lambdaContext());

    expect(first.report.length).toBeGreaterThan(400 * 1024);
    await expect(replay).rejects.toThrow(IdempotencyResultNotStoredError);
    await expect(handler({ reportId: 'r-1' }, lambdaContext())).rejects.toMatchObject({
      key: idempotencyKey('reports', 'r-1', 'sha256'),
      limitBytes: 400 * 1024,
      sizeBytes: expect.any(Number),
    });
    expect(runs).toBe(1);
    // Not retried: the refused completion is never sent (its size is known before), and one
    // UpdateItem writes the small "not stored" mark.
    expect(completions).toBe(1);
    expect(logger.lines.filter((line) => /Storing the result failed/.test(line.message))).toEqual([]);
    const record = await local.store.get(idempotencyKey('reports', 'r-1', 'sha256'));
    expect(record?.status).toBe('COMPLETED');
    expect(record?.data).toBeUndefined();
    expect(JSON.parse(record?.notStored ?? '{}')).toMatchObject({ reason: expect.stringMatching(/too large/) });
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      expect.stringMatching(/could not be stored.*will not run again/s),
    ]);
    expect(decisions.map((event) => event.decision)).toEqual(['result-not-stored', 'replayed', 'replayed']);
  });

  it('treats a cached error too large to store the same way: the handler’s error once, then not stored', async () => {
    let runs = 0;
    const handler = makeIdempotent(
      async (_event: { id: string }, _context?: unknown) => {
        runs += 1;
        throw Object.assign(new Error(`declined: ${incompressible()}`), { name: 'CardDeclined' });
      },
      {
        store: local.store,
        keyPrefix: 'declines',
        key: 'id',
        cacheErrors: errorNamed('CardDeclined'),
        logger: recordingLogger(),
      },
    );

    await expect(handler({ id: 'c-1' }, lambdaContext())).rejects.toMatchObject({ name: 'CardDeclined' });
    await expect(handler({ id: 'c-1' }, lambdaContext())).rejects.toThrow(IdempotencyResultNotStoredError);
    expect(runs).toBe(1);
  });
});
