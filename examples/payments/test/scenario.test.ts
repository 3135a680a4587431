import { InMemoryStore } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { FAULTS_SKIPPED_IN_MEMORY } from '../src/faults.js';
import { RecordingProvider } from '../src/handler.js';
import { runScenario } from '../src/scenario.js';
import { memorySections } from '../src/sections.js';
import { expectTheEverydayStory } from './story.js';

// The demo as `npm run demo -- --memory` runs it: the everyday steps on the in-memory store, no
// Java needed. The fault steps need DynamoDB Local (scenario.int.test.ts).

const countedStore = () => {
  const store = new FaultyStore(new InMemoryStore());
  return { store, requests: () => Object.values(store.calls).reduce((sum, n) => sum + n, 0) };
};

describe('the payment capture demo in memory', () => {
  it('charges once per payment, and its total row adds up its rows', async () => {
    const { store, requests } = countedStore();
    const provider = new RecordingProvider();

    const rows = await runScenario(store, requests, provider);

    expectTheEverydayStory(rows, provider);
    expect(rows.at(-1)?.requests).toBe(requests());
  });

  it('prints the everyday steps and one line on why the fault steps are skipped', async () => {
    const { store, requests } = countedStore();

    const text = await memorySections(store, requests);

    expect(text).toContain('replay of p-5');
    expect(text).toMatch(/^total +│ 5 charges, one per payment \(p-1 … p-5\) +│ 7 +│ \d+$/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe(FAULTS_SKIPPED_IN_MEMORY);
    expect(text).not.toContain('p-6');
  });
});
