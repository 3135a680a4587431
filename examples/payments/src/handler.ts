import { type IdempotencyOptions, makeIdempotent } from '@oncely/core';

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

/** The side effect that must happen once per payment: a charge at the payment provider. */
export interface PaymentProvider {
  charge(request: CaptureRequest): Promise<{ chargeId: string }>;
}

/**
 * A capture handler keyed on `body.paymentId` and validated on `body.amount`: a retried
 * request replays the first charge, a retry with another amount is rejected.
 */
export const createCaptureHandler = (
  provider: PaymentProvider,
  options: Omit<IdempotencyOptions<CaptureEvent, CaptureResult>, 'keyPath' | 'validatePath'>,
) =>
  makeIdempotent(
    async (event: CaptureEvent, _context?: unknown): Promise<CaptureResult> => {
      const { chargeId } = await provider.charge(event.body);
      return {
        statusCode: 201,
        body: { paymentId: event.body.paymentId, captured: event.body.amount, currency: event.body.currency, chargeId },
      };
    },
    { keyPrefix: 'payments.capture', ...options, keyPath: 'body.paymentId', validatePath: 'body.amount' },
  );

/** An in-process payment provider that records every charge, so a demo can show how many happened. */
export class RecordingProvider implements PaymentProvider {
  readonly charges: CaptureRequest[] = [];
  /** Calls of `charge`, failed ones included: how often the handler body ran. */
  attempts = 0;
  #failNext = 0;
  #delayMs = 0;

  /** The next `count` charges fail with a provider error. */
  failNext(count = 1): void {
    this.#failNext = count;
  }

  /** Every charge takes this long. */
  delay(ms: number): void {
    this.#delayMs = ms;
  }

  async charge(request: CaptureRequest): Promise<{ chargeId: string }> {
    this.attempts += 1;
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      throw new Error('payment provider unavailable');
    }
    this.charges.push(request);
    return { chargeId: `ch_${this.charges.length}` };
  }
}
