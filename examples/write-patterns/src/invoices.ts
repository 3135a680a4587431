import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Decide, EventLog, TransitionRejectedError } from '@oncely/dynamodb/patterns';

/** Each event carries the invoice's state after it, so a rule needs only the latest event. */
export interface InvoiceEvent {
  status: 'created' | 'approved' | 'settled' | 'cancelled';
  amount: number;
  by: string;
}

const requireStatus = (current: InvoiceEvent | undefined, allowed: InvoiceEvent['status'], action: string) => {
  if (current?.status !== allowed) {
    throw new TransitionRejectedError(`cannot ${action} an invoice that is ${current?.status ?? 'missing'}`);
  }
  return current;
};

export const create =
  (amount: number, by: string): Decide<InvoiceEvent> =>
  (current) => {
    if (current !== undefined) throw new TransitionRejectedError('the invoice exists already');
    return { status: 'created', amount, by };
  };

export const approve =
  (by: string): Decide<InvoiceEvent> =>
  (current) => ({ ...requireStatus(current?.event, 'created', 'approve'), status: 'approved', by });

export const settle =
  (by: string): Decide<InvoiceEvent> =>
  (current) => ({ ...requireStatus(current?.event, 'approved', 'settle'), status: 'settled', by });

export const cancel =
  (by: string): Decide<InvoiceEvent> =>
  (current) => {
    const state = current?.event;
    if (state === undefined || state.status === 'settled' || state.status === 'cancelled') {
      throw new TransitionRejectedError(`cannot cancel an invoice that is ${state?.status ?? 'missing'}`);
    }
    return { ...state, status: 'cancelled', by };
  };

/** Creates and approves an invoice, then races a payment (settle) against a customer's cancel. */
export const invoiceStory = async (client: DynamoDBClient, tableName: string, invoiceId = 'inv-2026-001') => {
  const log = new EventLog<InvoiceEvent>({ client, tableName });
  await log.append(invoiceId, create(120, 'billing'));
  await log.append(invoiceId, approve('finance'));
  const race = await Promise.allSettled([
    log.append(invoiceId, settle('payment-webhook')),
    log.append(invoiceId, cancel('customer')),
  ]);
  const lines = race.map((result, i) => {
    const who = i === 0 ? 'settle (payment webhook)' : 'cancel (customer)';
    return result.status === 'fulfilled'
      ? `${who}: won, event #${result.value.stored.number}`
      : `${who}: rejected: ${(result.reason as Error).message}`;
  });
  const history = (await log.history(invoiceId)).map((e) => `#${e.number} ${e.event.status} by ${e.event.by}`);
  return { lines, history, winners: race.filter((r) => r.status === 'fulfilled').length };
};
