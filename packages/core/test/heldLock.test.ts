import { type DecisionEvent, InMemoryStore, silentLogger } from '@oncely/core';
import { IdempotencyEngine, resolveOptions } from '@oncely/core/engine';
import { FaultyStore } from '@oncely/core/testing';

// A front door may reach both `after` and `onError` for one call (a Middy chain whose later
// middleware throws): the lock must end once, or a result could be overwritten by a release.
describe('a held lock ends once', () => {
  const engineOn = (store: FaultyStore, decisions: DecisionEvent[]) =>
    new IdempotencyEngine(
      resolveOptions({ store, logger: silentLogger, onDecision: (event) => decisions.push(event) }),
      { defaultKeyPrefix: 'once', frontDoor: 'test' },
    );

  it('stores the first outcome only, whatever finish or abandon comes after', async () => {
    const store = new FaultyStore(new InMemoryStore());
    const decisions: DecisionEvent[] = [];
    const engine = engineOn(store, decisions);
    const start = await engine.start({ order: 1 }, undefined);
    if (start.action !== 'run') throw new Error(`expected to run, got ${start.action}`);

    await engine.finish(start.lock, 'first');
    await engine.finish(start.lock, 'second');
    await engine.abandon(start.lock, new Error('late'));

    expect(store.calls.complete).toBe(1);
    expect(store.calls.release).toBe(0);
    expect(decisions.map((event) => event.decision)).toEqual(['executed']);
    expect((await store.get(start.lock.key))?.data).toBe('"first"');
  });

  it('ends once a copy of a held lock that an adapter made itself', async () => {
    const store = new FaultyStore(new InMemoryStore());
    const engine = engineOn(store, []);
    const start = await engine.start({ order: 2 }, undefined);
    if (start.action !== 'run') throw new Error(`expected to run, got ${start.action}`);
    start.lock.end();
    const copy = { ...start.lock, end: () => {} };

    await engine.abandon(copy);
    await engine.finish(copy, 'late');

    expect(store.calls.release).toBe(1);
    expect(store.calls.complete).toBe(0);
  });
});
