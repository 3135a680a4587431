import { getIdempotencyToken, type IdempotencyOptions, makeIdempotent } from '@oncely/core';

/** The body of a capture request, already parsed from JSON. */
export interface CaptureRequest {
  paymentId: string;
  amount: number;
  currency: string;
}

export interface CaptureEvent {
  body: CaptureRequest;
}

export interface CaptureResult {
  statusCode: number;
  body: { paymentId: string; captured: number; currency: string; chargeId: string };
}

/**
 * The side effect that must happen once per payment: a charge at the payment provider. Like
 * Stripe's `Idempotency-Key`, a charge sent again with the same key returns the first charge.
 */
export interface PaymentProvider {
  charge(request: CaptureRequest, options: { idempotencyKey: string | undefined }): Promise<{ chargeId: string }>;
}

/**
 * A capture handler keyed on `body.paymentId` and validated on `body.amount`: a retried
 * request replays the first charge, a retry with another amount is rejected. The charge carries
 * the call's idempotency key, so even a call that outlived its lock (a zombie) cannot charge twice.
 */
export const createCaptureHandler = (
  provider: PaymentProvider,
  options: Omit<IdempotencyOptions<CaptureEvent, CaptureResult>, 'key' | 'validate'>,
) =>
  makeIdempotent(
    async (event: CaptureEvent, context?: unknown): Promise<CaptureResult> => {
      const idempotencyKey = getIdempotencyToken(context)?.key;
      const { chargeId } = await provider.charge(event.body, { idempotencyKey });
      return {
        statusCode: 201,
        body: { paymentId: event.body.paymentId, captured: event.body.amount, currency: event.body.currency, chargeId },
      };
    },
    { keyPrefix: 'payments.capture', ...options, key: 'body.paymentId', validate: 'body.amount' },
  );

/**
 * An in-process payment provider that records every charge, so a demo can show how many happened.
 * A charge with an idempotency key it has charged before returns that charge again.
 */
export class RecordingProvider implements PaymentProvider {
  readonly charges: CaptureRequest[] = [];
  /** Calls of `charge`, failed and paused ones included: how often the handler body ran. */
  attempts = 0;
  readonly #byKey = new Map<string, { chargeId: string }>();
  #failNext = 0;
  #delayMs = 0;
  #pauses: Promise<void>[] = [];

  /** The next `count` charges fail with a provider error. */
  failNext(count = 1): void {
    this.#failNext = count;
  }

  /** Every charge takes this long. */
  delay(ms: number): void {
    this.#delayMs = ms;
  }

  /** The next charge waits until the returned function is called (never, for a frozen Lambda). */
  pauseNext(): () => void {
    let resume: () => void = () => {};
    this.#pauses.push(
      new Promise((resolve) => {
        resume = resolve;
      }),
    );
    return resume;
  }

  async charge(
    request: CaptureRequest,
    { idempotencyKey }: { idempotencyKey: string | undefined } = { idempotencyKey: undefined },
  ): Promise<{ chargeId: string }> {
    this.attempts += 1;
    const pause = this.#pauses.shift();
    if (pause) await pause;
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      throw new Error('payment provider unavailable');
    }
    const earlier = idempotencyKey === undefined ? undefined : this.#byKey.get(idempotencyKey);
    if (earlier) return earlier;
    this.charges.push(request);
    const charge = { chargeId: `ch_${this.charges.length}` };
    if (idempotencyKey !== undefined) this.#byKey.set(idempotencyKey, charge);
    return charge;
  }
}
