import { Metrics } from '@aws-lambda-powertools/metrics';
import { InMemoryStore, makeIdempotent, metricsOnDecision } from '@oncely/core';
import { lambdaContext } from './fixtures.js';
import { coreFrontDoors } from './frontDoors.js';
import { describePolicies } from './policies.js';

describePolicies(coreFrontDoors);

describe('metricsOnDecision', () => {
  it('emits a CloudWatch EMF count per decision through Powertools Metrics', async () => {
    const lines: string[] = [];
    // Powertools Metrics writes EMF through its own Console on stdout.
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    try {
      const metrics = new Metrics({ namespace: 'oncely-test', serviceName: 'payments' });
      const handler = makeIdempotent(async (_event: unknown, _context?: unknown) => 'ok', {
        store: new InMemoryStore(),
        onDecision: metricsOnDecision(metrics),
      });

      await handler({ id: 1 }, lambdaContext());
      await handler({ id: 1 }, lambdaContext());
      metrics.publishStoredMetrics();
    } finally {
      write.mockRestore();
    }

    const emf = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((entry) => entry._aws);
    expect(emf.IdempotencyExecuted).toBe(1);
    expect(emf.IdempotencyReplayed).toBe(1);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('oncely-test');
  });
});
