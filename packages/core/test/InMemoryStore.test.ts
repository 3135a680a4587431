import { InMemoryStore } from '@oncely/core';
import { storeContract } from '@oncely/core/testing';

describe('InMemoryStore', () => {
  const store = new InMemoryStore();

  it.each(storeContract.map((behaviour) => [behaviour.name, behaviour] as const))('%s', async (_name, behaviour) => {
    await behaviour.run(store);
  });
});
