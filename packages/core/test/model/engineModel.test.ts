import { type IdempotencyStore, InMemoryStore } from '@oncely/core';
import fc from 'fast-check';
import { type Profile, runScenario, type Scenario, scenarioArb } from './scenario.js';
import { unfenced } from './UnfencedStore.js';

// Issue 13, "Proof": random scenarios (containers, calls, handler outcomes, a plan of store
// faults, TTL sweeps) run on fake timers through `makeIdempotent` over a ChaosStore over the
// real InMemoryStore; the Model checks, as events happen, that
// - a handler never starts while another execution of its key holds its lock and runs, while a
//   COMPLETED record of the key lives, or while an outcome that had to be stored was dropped;
// - every replay is the outcome stored for the key (one outcome per record lifetime);
// - a call is refused as "in progress" only while some lock of the key lasts.
// `npm test` runs a fixed seed; `npm run soak:model` runs many more (ONCELY_MODEL_SEED=random
// for a new seed). A failure prints its timeline, seed and path: replay it with
// ONCELY_MODEL_SEED=<seed> ONCELY_MODEL_PATH=<path> npx jest packages/core/test/model
const RUNS = Number(process.env.ONCELY_MODEL_RUNS ?? 500);
const SEED = process.env.ONCELY_MODEL_SEED === 'random' ? Date.now() | 0 : Number(process.env.ONCELY_MODEL_SEED ?? 13);
const PATH = process.env.ONCELY_MODEL_PATH;
// About 1.5 ms a run on one core, plus shrinking when a run fails.
const TIMEOUT_MS = 60_000 + RUNS * 20;

const property = (profile: Profile, newStore: () => IdempotencyStore = () => new InMemoryStore()) =>
  fc.asyncProperty(scenarioArb(profile), async (scenario: Scenario) => {
    const model = await runScenario(scenario, newStore());
    if (model.violations.length > 0) throw new Error(model.report());
  });

const parameters = { seed: SEED, numRuns: RUNS, ...(PATH !== undefined && { path: PATH }) };

// What it found, each fixed with its own regression test: a late copy of the lock write undoing a
// result or moving a renewed lease back; a result that could never be stored letting the handler
// run again; a record expiring before its lock; a fixed lock without a Lambda context; a late copy
// of a lease renewal moving the lock back; a lease acknowledged already over after a slow write.
describe('the engine against its model, over a store that fails, delays, reorders and duplicates writes', () => {
  it(
    'runs a handler at most once per live record, replays the stored outcome and frees every key at its lock end',
    async () => {
      await fc.assert(property('all'), parameters);
    },
    TIMEOUT_MS,
  );

  it(
    'keeps the same properties when every call has a Lambda deadline and no lease',
    async () => {
      await fc.assert(property('lambda'), parameters);
    },
    TIMEOUT_MS,
  );

  it('catches a store that ignores owner fencing', async () => {
    const result = await fc.check(
      property('lambda', () => unfenced(new InMemoryStore())),
      {
        seed: SEED,
        numRuns: 2000,
        endOnFailure: true,
      },
    );

    expect(result.failed).toBe(true);
  }, 60_000);
});
