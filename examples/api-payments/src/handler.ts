import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { httpResponses, type IdempotencyStore } from '@oncely/core';
import { idempotency } from '@oncely/middy';

/** The part of an API Gateway REST (v1 proxy) event this handler reads. */
export interface ApiGatewayProxyEvent {
  httpMethod: string;
  path: string;
  headers: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded: boolean;
  [field: string]: unknown;
}

/** An API Gateway proxy response. */
export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  body: string;
}

/** The body of `POST /payments`, once parsed. `amount` is in minor units (cents). */
export interface CaptureRequest {
  paymentId: string;
  amount: number;
}

/** What a caller gets back, on the first call and on every replay. */
export interface Capture {
  paymentId: string;
  amount: number;
  chargeId: string;
  capturedAt: string;
}

/** The side effect that must happen once per payment: a charge at the payment provider. */
export interface PaymentProvider {
  charge(request: CaptureRequest): Promise<{ chargeId: string }>;
}

export interface CaptureDependencies {
  store: IdempotencyStore;
  provider: PaymentProvider;
  logger: Logger;
}

/** The part of the Lambda context the chain reads (Middy's timeout, the Logger's context keys). */
export interface LambdaContext {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
  [field: string]: unknown;
}

export type CaptureHandler = (event: ApiGatewayProxyEvent, context: LambdaContext) => Promise<ApiGatewayProxyResult>;

/** A client error the handler throws (never returns): thrown, it releases the lock instead of being stored. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
  readonly statusCode = 400;
  readonly expose = true;
}

const problem = (status: number, title: string, detail: string): ApiGatewayProxyResult => ({
  statusCode: status,
  headers: { 'Content-Type': 'application/problem+json' },
  body: JSON.stringify({ type: 'about:blank', title, status, detail }),
});

// Middy's HttpError (415, 422 from the body parser) and BadRequestError carry `statusCode` and
// `expose`; anything else is a failure whose details stay in the logs.
const exposedStatus = (error: unknown): number | undefined => {
  const { statusCode, expose } = (error ?? {}) as { statusCode?: unknown; expose?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && expose === true
    ? statusCode
    : undefined;
};

/**
 * Turns a thrown error into a problem response. It sets `request.response` and returns nothing:
 * a returned value ends Middy's `onError` chain at once, so the `onError` of oncely (releasing
 * the lock) would be skipped whenever it comes later in the chain, and every retry until the
 * Lambda's deadline would get a 409. Registered first, its `onError` runs last anyway.
 */
const errorsAsProblems = (logger: Logger): MiddlewareObj<ApiGatewayProxyEvent, ApiGatewayProxyResult> => ({
  onError: async (request) => {
    const status = exposedStatus(request.error);
    if (status !== undefined) {
      logger.warn('Request refused', { status, error: request.error });
      request.response = problem(status, 'Bad request', (request.error as Error).message);
      return;
    }
    logger.error('Capture failed', { error: request.error });
    request.response = problem(
      500,
      'Capture failed',
      'The payment could not be captured now; retry the same request with the same paymentId.',
    );
  },
});

const parseCapture = (body: unknown): CaptureRequest => {
  const { paymentId, amount } = (body ?? {}) as Partial<Record<keyof CaptureRequest, unknown>>;
  if (typeof paymentId !== 'string') throw new BadRequestError('paymentId must be a string');
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new BadRequestError('amount must be a positive whole number of cents');
  }
  return { paymentId, amount };
};

/**
 * `POST /payments` behind API Gateway (REST, proxy integration): charges the payment once per
 * `paymentId`. A retry replays the first 201 (marked `Idempotent-Replayed: true`); a retry
 * with another amount gets a 422 problem, a retry while the first call runs a 409 with
 * `Retry-After`, a body without `paymentId` a 400.
 *
 * @example
 * ```ts
 * export const handler = createCaptureHandler({
 *   store: new DynamoDBStore({ tableName: process.env.IDEMPOTENCY_TABLE! }),
 *   provider: acmePayments,
 *   logger: new Logger({ serviceName: 'payments' }),
 * });
 * ```
 */
export const createCaptureHandler = ({ store, provider, logger }: CaptureDependencies): CaptureHandler => {
  const capture = async (event: { body: unknown }): Promise<ApiGatewayProxyResult> => {
    const request = parseCapture(event.body);
    const { chargeId } = await provider.charge(request);
    const captured: Capture = { ...request, chargeId, capturedAt: new Date().toISOString() };
    logger.info('Payment captured', { paymentId: request.paymentId, chargeId });
    return {
      statusCode: 201,
      headers: { 'Content-Type': 'application/json', Location: `/payments/${encodeURIComponent(request.paymentId)}` },
      body: JSON.stringify(captured),
    };
  };

  const handler = middy(capture)
    .use(errorsAsProblems(logger))
    .use(injectLambdaContext(logger))
    // Before oncely: `key` and `validate` read the event as oncely's `before` sees it.
    .use(httpJsonBodyParser())
    .use(
      idempotency({
        store,
        key: 'body.paymentId',
        validate: 'body.amount',
        requireKey: true,
        responses: httpResponses,
        logger,
      }),
    );
  return handler as unknown as CaptureHandler;
};
