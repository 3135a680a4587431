import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { httpResponses, InMemoryStore, metricsOnDecision } from '@oncely/core';
import { idempotency } from '@oncely/middy';
// The X-Ray SDK comes with the Tracer; a test outside Lambda builds the segment Lambda would.
import { Segment } from 'aws-xray-sdk-core';
import { deferred, lambdaContext } from '../../core/test/fixtures.js';
import { middyVersions } from './doors.js';

// biome-ignore lint/suspicious/noExplicitAny: Middy requests in tests are loosely typed
type AnyRequest = any;

// Logger and Metrics write JSON lines to their own Console on process.stdout.
const stdoutJson = () => {
  const lines: Record<string, unknown>[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    }
    return true;
  });
  return { lines, restore: () => write.mockRestore() };
};

const metricNames = (emf: Record<string, unknown>): string[] =>
  (emf._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map((metric) => metric.Name),
  );

describe.each(middyVersions)('on %s', (_name, middy) => {
  let stdout: ReturnType<typeof stdoutJson>;
  beforeEach(() => {
    stdout = stdoutJson();
  });
  afterEach(() => {
    stdout.restore();
  });

  describe('a replay, with Powertools utilities registered before oncely', () => {
    it('flushes the Metrics it counted, once per invocation', async () => {
      const metrics = new Metrics({ namespace: 'oncely', serviceName: 'orders' });
      const handler = middy(async () => 'charged')
        .use(logMetrics(metrics))
        .use(idempotency({ store: new InMemoryStore(), onDecision: metricsOnDecision(metrics) }));

      await handler({ id: 1 }, lambdaContext());
      await handler({ id: 1 }, lambdaContext());

      const flushed = stdout.lines.filter((line) => '_aws' in line).map(metricNames);
      expect(flushed).toEqual([
        ['IdempotencyExecuted', 'IdempotencyDurationMs'],
        ['IdempotencyReplayed', 'IdempotencyDurationMs'],
      ]);
      expect(metrics.hasStoredMetrics()).toBe(false);
    });

    it('flushes them on an HTTP early answer too (409 for a call in progress)', async () => {
      const metrics = new Metrics({ namespace: 'oncely', serviceName: 'orders' });
      const release = deferred();
      const handler = middy(async () => {
        await release.promise;
        return { statusCode: 201 };
      })
        .use(logMetrics(metrics))
        .use(
          idempotency({ store: new InMemoryStore(), responses: httpResponses, onDecision: metricsOnDecision(metrics) }),
        );

      const first = handler({ id: 1 }, lambdaContext());
      const duplicate = await handler({ id: 1 }, lambdaContext());
      const flushedDuringFirst = stdout.lines.filter((line) => '_aws' in line).map(metricNames);
      release.resolve();
      await first;

      expect(duplicate.statusCode).toBe(409);
      expect(flushedDuringFirst).toEqual([['IdempotencyInProgress', 'IdempotencyDurationMs']]);
    });

    it('resets the Logger keys the invocation appended', async () => {
      const logger = new Logger({ serviceName: 'orders' });
      const handler = middy(async () => 'charged')
        .use(injectLambdaContext(logger, { resetKeys: true }))
        .use({
          before: async (request: AnyRequest) => {
            logger.appendKeys({ orderId: request.event.id });
          },
        })
        .use(idempotency({ store: new InMemoryStore() }));
      await handler({ id: 'o-1' }, lambdaContext());

      await handler({ id: 'o-1' }, lambdaContext());
      logger.info('between invocations');

      const between = stdout.lines.find((line) => line.message === 'between invocations');
      expect(between).toBeDefined();
      expect(between).not.toHaveProperty('orderId');
    });

    describe('with the Tracer', () => {
      const executionEnv = process.env.AWS_EXECUTION_ENV;
      beforeAll(() => {
        // The Tracer traces only inside Lambda, which it recognises by this variable.
        process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs20.x';
      });
      afterAll(() => {
        if (executionEnv === undefined) delete process.env.AWS_EXECUTION_ENV;
        else process.env.AWS_EXECUTION_ENV = executionEnv;
      });

      it('closes the handler subsegment and makes the Lambda segment current again', async () => {
        const tracer = new Tracer({ serviceName: 'orders', captureHTTPsRequests: false });
        const handler = middy(async () => 'charged')
          .use(captureLambdaHandler(tracer))
          .use(idempotency({ store: new InMemoryStore() }));
        const lambdaSegment = new Segment('orders');
        const invoke = () =>
          tracer.provider.getNamespace().runPromise(async () => {
            tracer.setSegment(lambdaSegment);
            await handler({ id: 1 }, lambdaContext());
            return tracer.getSegment();
          });
        await invoke();

        const currentAfterReplay = await invoke();

        expect(currentAfterReplay).toBe(lambdaSegment);
        const handlerSegments = lambdaSegment.subsegments ?? [];
        expect(handlerSegments).toHaveLength(2);
        expect(handlerSegments.every((subsegment) => subsegment.isClosed())).toBe(true);
      });
    });
  });

  describe('a plain middleware registered before oncely', () => {
    // Middy 6 and 7 skip the handler and every `after` once a `before` answers early, also the
    // `after` of middlewares whose `before` already ran; `onError` does not run either.
    it('does not see its after run on a replay', async () => {
      const seen: string[] = [];
      const handler = middy(async () => 'charged')
        .use({
          before: async () => {
            seen.push('before');
          },
          after: async () => {
            seen.push('after');
          },
        })
        .use(idempotency({ store: new InMemoryStore() }));
      await handler({ id: 1 }, lambdaContext());
      seen.length = 0;

      await handler({ id: 1 }, lambdaContext());

      expect(seen).toEqual(['before']);
    });

    it('gets its cleanup called when it registers one under a Powertools key', async () => {
      const seen: string[] = [];
      const handler = middy(async () => 'charged')
        .use({
          before: async (request: AnyRequest) => {
            request.internal['powertools-for-aws.metrics'] = async () => {
              seen.push('cleanup');
            };
          },
          after: async () => {
            seen.push('after');
          },
        })
        .use(idempotency({ store: new InMemoryStore() }));
      await handler({ id: 1 }, lambdaContext());
      seen.length = 0;

      await handler({ id: 1 }, lambdaContext());

      expect(seen).toEqual(['cleanup']);
    });
  });
});
