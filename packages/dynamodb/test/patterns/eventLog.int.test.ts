import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  EventConflictError,
  EventLog,
  type StoredEvent,
  TransitionRejectedError,
  UnexpectedItemError,
  WriteFailedError,
} from '@oncely/dynamodb/patterns';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { countRequests, injectFault, localClient, serverError } from '../fixtures';
import { barrier, createEventTable, recordingLogger } from './patternFixtures';

type Invoice = { status: 'created' | 'approved' | 'settled' | 'cancelled'; amount: number };

const client = localClient();
let table: TestTable;
let numbered: { tableName: string; deleteTable: () => Promise<void> };
let n = 0;
const freshId = () => `inv-${++n}-${Date.now()}`;

beforeAll(async () => {
  table = await createTestTable(client, { sortKey: 'seq' });
  numbered = await createEventTable(client);
});

afterAll(async () => {
  await table.deleteTable();
  await numbered.deleteTable();
  client.destroy();
});

const logOn = (
  options: { client?: typeof client; maxAttempts?: number; logger?: ReturnType<typeof recordingLogger> } = {},
) => new EventLog<Invoice>({ client, tableName: table.tableName, sortKeyType: 'S', ...options });

const create =
  (amount: number) =>
  (current: StoredEvent<Invoice> | undefined): Invoice => {
    if (current !== undefined) throw new TransitionRejectedError(`invoice exists (${current.event.status})`);
    return { status: 'created', amount };
  };
const approve = (current: StoredEvent<Invoice> | undefined): Invoice => {
  if (current?.event.status !== 'created')
    throw new TransitionRejectedError(`cannot approve a ${current?.event.status} invoice`);
  return { ...current.event, status: 'approved' };
};
const closeAs =
  (status: 'settled' | 'cancelled', wait: () => Promise<void> = async () => {}, seen: string[] = []) =>
  async (current: StoredEvent<Invoice> | undefined): Promise<Invoice> => {
    seen.push(current?.event.status ?? 'none');
    await wait();
    if (current?.event.status !== 'approved') {
      throw new TransitionRejectedError(`cannot mark a ${current?.event.status} invoice ${status}`);
    }
    return { ...current.event, status };
  };

const approvedInvoice = async (log: EventLog<Invoice>) => {
  const id = freshId();
  await log.append(id, create(120));
  await log.append(id, approve);
  return id;
};

describe('EventLog.append', () => {
  it('numbers the events of an entity from 1 without gaps, and reads them back', async () => {
    const log = logOn();
    const id = await approvedInvoice(log);

    const settled = await log.append(id, closeAs('settled'));

    expect(settled).toEqual({
      status: 'appended',
      stored: { entityId: id, number: 3, event: { status: 'settled', amount: 120 } },
    });
    expect((await log.history(id)).map((e) => [e.number, e.event.status])).toEqual([
      [1, 'created'],
      [2, 'approved'],
      [3, 'settled'],
    ]);
    expect(await log.latest(id)).toEqual(settled.stored);
  });

  it('passes the rule’s rejection through and writes nothing', async () => {
    const log = logOn();
    const id = freshId();
    await log.append(id, create(10));

    await expect(log.append(id, closeAs('settled'))).rejects.toThrow(TransitionRejectedError);
    expect(await log.history(id)).toHaveLength(1);
  });

  it('lets exactly one of a concurrent settle and cancel win; the loser is re-decided and rejected by the rule', async () => {
    const log = logOn();
    for (let round = 0; round < 5; round++) {
      const id = await approvedInvoice(log);
      const bothDecided = barrier(2);
      const seenBySettle: string[] = [];
      const seenByCancel: string[] = [];

      const results = await Promise.allSettled([
        log.append(id, closeAs('settled', bothDecided, seenBySettle)),
        log.append(id, closeAs('cancelled', bothDecided, seenByCancel)),
      ]);

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(TransitionRejectedError);
      // The loser decided twice: against `approved`, then against the winner's event.
      const loserSaw = seenBySettle.length === 2 ? seenBySettle : seenByCancel;
      expect(loserSaw[0]).toBe('approved');
      expect(['settled', 'cancelled']).toContain(loserSaw[1]);
      const history = await log.history(id);
      expect(history.map((e) => e.number)).toEqual([1, 2, 3]);
    }
  });

  it('appends every one of many concurrent events exactly once, numbered 1..n', async () => {
    type Note = { text: string };
    const log = new EventLog<Note>({ client, tableName: table.tableName, sortKeyType: 'S', maxAttempts: 30 });
    const id = freshId();
    const texts = Array.from({ length: 20 }, (_, i) => `note ${i}`);

    await Promise.all(texts.map((text) => log.append(id, () => ({ text }))));

    const history = await log.history(id);
    expect(history.map((e) => e.number)).toEqual(texts.map((_, i) => i + 1));
    expect(history.map((e) => e.event.text).sort()).toEqual([...texts].sort());
  });

  it('gives up with EventConflictError after maxAttempts lost races, logging each retry at debug', async () => {
    const logger = recordingLogger();
    const log = logOn({ maxAttempts: 1, logger });
    const id = await approvedInvoice(log);
    const allDecided = barrier(3);
    const bump = async (current: StoredEvent<Invoice> | undefined): Promise<Invoice> => {
      await allDecided();
      return { status: 'approved', amount: (current?.event.amount ?? 0) + 1 };
    };

    const results = await Promise.allSettled([log.append(id, bump), log.append(id, bump), log.append(id, bump)]);

    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(reasons).toHaveLength(2);
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(EventConflictError);
      expect(reason).toMatchObject({
        entityId: id,
        attempts: 1,
        message: expect.stringMatching(/event number 3 was taken/),
      });
    }
    expect(await log.history(id)).toHaveLength(3);
    expect(logger.lines).toEqual([]);
  });

  it('logs a lost race at debug with the entity id before deciding again', async () => {
    const logger = recordingLogger();
    const log = logOn({ logger });
    const id = await approvedInvoice(log);
    const bothDecided = barrier(2);

    await Promise.allSettled([
      log.append(id, closeAs('settled', bothDecided)),
      log.append(id, closeAs('cancelled', bothDecided)),
    ]);

    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'debug', extra: [expect.objectContaining({ key: id, number: 3, attempt: 1 })] }),
    ]);
  });

  it('uses the refused write’s returned event instead of reading again', async () => {
    const counted = localClient();
    const requests = countRequests(counted);
    const log = logOn({ client: counted });
    const id = await approvedInvoice(log);
    const bothDecided = barrier(2);
    requests.reset();

    await Promise.allSettled([
      log.append(id, closeAs('settled', bothDecided)),
      log.append(id, closeAs('cancelled', bothDecided)),
    ]);

    // Two reads, two writes; the loser's second decision needs no third read.
    expect([...requests.sent].sort()).toEqual(['PutItemCommand', 'PutItemCommand', 'QueryCommand', 'QueryCommand']);
    counted.destroy();
  });
});

describe('EventLog under ambiguous writes (applied, then answered with 500)', () => {
  it('recognises its own write on the SDK retry: no event number skipped or duplicated', async () => {
    const faulty = localClient({ maxAttempts: 3 });
    const log = logOn({ client: faulty });
    const id = freshId();
    injectFault(faulty, { command: 'PutItemCommand', when: 'after', error: serverError, times: 2 });

    const created = await log.append(id, create(5));
    const approved = await log.append(id, approve);

    expect([created.status, approved.status]).toEqual(['appended', 'appended']);
    expect((await log.history(id)).map((e) => [e.number, e.event.status])).toEqual([
      [1, 'created'],
      [2, 'approved'],
    ]);
    faulty.destroy();
  });

  it('reports already-appended when the caller retries with the same appendId', async () => {
    const faulty = localClient({ maxAttempts: 1 });
    const log = logOn({ client: faulty });
    const id = freshId();
    await log.append(id, create(5));
    injectFault(faulty, { command: 'TransactWriteItemsCommand', when: 'after', error: serverError });

    const first = log.append(id, approve, { appendId: 'req-1' });
    await expect(first).rejects.toMatchObject({ name: 'WriteFailedError', maybeApplied: true });
    await expect(first).rejects.toBeInstanceOf(WriteFailedError);
    const retry = await log.append(id, approve, { appendId: 'req-1' });

    expect(retry).toEqual({
      status: 'already-appended',
      stored: { entityId: id, number: 2, event: { status: 'approved', amount: 5 } },
    });
    expect(await log.history(id)).toHaveLength(2);
    faulty.destroy();
  });
});

describe('EventLog.append with an appendId after another writer appended', () => {
  type Note = { text: string };
  const notes = (on = client) => new EventLog<Note>({ client: on, tableName: table.tableName, sortKeyType: 'S' });

  it('writes no second event when writer A retries its appendId after writer B appended', async () => {
    const log = notes();
    const id = freshId();
    await log.append(id, () => ({ text: 'A: pay 10' }), { appendId: 'x' });
    await log.append(id, () => ({ text: 'B: note' }));

    const retry = await log.append(id, () => ({ text: 'A: pay 10' }), { appendId: 'x' });

    expect(retry).toEqual({
      status: 'already-appended',
      stored: { entityId: id, number: 1, event: { text: 'A: pay 10' } },
    });
    expect((await log.history(id)).map((e) => e.event.text)).toEqual(['A: pay 10', 'B: note']);
  });

  it('writes no second event when A’s write was applied then answered with 500 and B appended before the retry', async () => {
    const faulty = localClient({ maxAttempts: 1 });
    const log = notes(faulty);
    const id = freshId();
    injectFault(faulty, { command: 'TransactWriteItemsCommand', when: 'after', error: serverError });
    injectFault(faulty, { command: 'PutItemCommand', when: 'after', error: serverError });

    await expect(log.append(id, () => ({ text: 'A: pay 10' }), { appendId: 'x' })).rejects.toMatchObject({
      maybeApplied: true,
    });
    await notes().append(id, () => ({ text: 'B: note' }));
    const retry = await log.append(id, () => ({ text: 'A: pay 10' }), { appendId: 'x' });

    expect(retry.status).toBe('already-appended');
    expect((await log.history(id)).map((e) => e.event.text)).toEqual(['A: pay 10', 'B: note']);
    faulty.destroy();
  });

  it('writes one event for concurrent appends with one appendId', async () => {
    const log = notes();
    const id = freshId();
    const allDecided = barrier(3);
    const decide = async () => {
      await allDecided();
      return { text: 'once' };
    };

    const outcomes = await Promise.all([1, 2, 3].map(() => log.append(id, decide, { appendId: 'same' })));

    expect(outcomes.map((o) => o.status).sort()).toEqual(['already-appended', 'already-appended', 'appended']);
    expect(await log.history(id)).toHaveLength(1);
  });

  it('keeps one appendId apart on two entities', async () => {
    const log = notes();
    const [a, b] = [freshId(), freshId()];

    await log.append(a, () => ({ text: 'to a' }), { appendId: 'request-1' });
    const second = await log.append(b, () => ({ text: 'to b' }), { appendId: 'request-1' });

    expect(second.status).toBe('appended');
  });
});

describe('EventLog on a numeric sort key', () => {
  it('orders events numerically past 9', async () => {
    const log = new EventLog<{ i: number }>({ client, tableName: numbered.tableName });
    const id = freshId();

    for (let i = 1; i <= 11; i++) await log.append(id, () => ({ i }));

    expect((await log.latest(id))?.number).toBe(11);
    expect((await log.history(id)).map((e) => e.event.i)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('recognises a repeated appendId after another append', async () => {
    const log = new EventLog<{ i: number }>({ client, tableName: numbered.tableName });
    const id = freshId();
    await log.append(id, () => ({ i: 1 }), { appendId: 'x' });
    await log.append(id, () => ({ i: 2 }));

    const retry = await log.append(id, () => ({ i: 1 }), { appendId: 'x' });

    expect(retry).toEqual({ status: 'already-appended', stored: { entityId: id, number: 1, event: { i: 1 } } });
    expect(await log.history(id)).toHaveLength(2);
  });
});

describe('EventLog reading a foreign item', () => {
  it('throws UnexpectedItemError naming the attributes it needs', async () => {
    const id = freshId();
    await client.send(new PutItemCommand({ TableName: table.tableName, Item: { id: { S: id }, seq: { S: 'x' } } }));

    await expect(logOn().latest(id)).rejects.toThrow(UnexpectedItemError);
  });
});
