import { mulberry32 } from '@oncely/dynamodb-local';

// Order-like JSON with pseudo-random but repetitive values: it compresses about as well as a
// typical API response, neither as well as a run of one character nor as badly as random bytes.
const SKUS = ['KB-104', 'MS-220', 'HD-500', 'CB-USB', 'MN-27Q', 'DK-STD', 'LP-14X', 'PH-ANC'];
const NAMES = ['Keyboard', 'Mouse', 'Hard disk', 'USB-C cable', 'Monitor 27"', 'Dock', 'Laptop 14"', 'Headphones'];
const WAREHOUSES = ['DUB-1', 'FRA-2', 'IAD-3', 'PDX-1'];

/** A line of an order, about 170 bytes of JSON. */
export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  warehouse: string;
  serial: string;
}

const pick = <T>(values: readonly T[], next: () => number): T => values[Math.floor(next() * values.length)] as T;

/**
 * Order lines whose JSON array text is about `bytes` long (within one line).
 *
 * @example
 * ```ts
 * JSON.stringify(orderLines(1024, 1)).length; // ~1024
 * ```
 */
export const orderLines = (bytes: number, seed: number): OrderLine[] => {
  const next = mulberry32(seed); // seeded: every run sends the same bytes
  const lines: OrderLine[] = [];
  let length = 2;
  while (length < bytes) {
    const index = Math.floor(next() * SKUS.length);
    const line: OrderLine = {
      sku: SKUS[index] as string,
      name: NAMES[index] as string,
      quantity: 1 + Math.floor(next() * 5),
      unitPriceCents: 499 + Math.floor(next() * 200_000),
      currency: 'EUR',
      warehouse: pick(WAREHOUSES, next),
      serial: Math.floor(next() * 2 ** 48)
        .toString(36)
        .toUpperCase(),
    };
    length += JSON.stringify(line).length + 1;
    lines.push(line);
  }
  return lines;
};

/** The event the benchmarked handlers receive. */
export interface OrderEvent {
  orderId: string;
  customerId: string;
  lines: OrderLine[];
}

/**
 * `count` events of about `bytes` each, each with its own `orderId`. The lines are shared
 * between the events (the libraries hash them in full all the same), which keeps memory flat.
 *
 * @example
 * ```ts
 * const [first, second] = orderEvents(2, 1024); // first.orderId !== second.orderId
 * ```
 */
export const orderEvents = (count: number, bytes: number, runId = 'run'): OrderEvent[] => {
  const lines = orderLines(bytes - 60, bytes);
  return Array.from({ length: count }, (_, index) => ({
    orderId: `${runId}-${index}`,
    customerId: `customer-${index % 97}`,
    lines,
  }));
};

/** The result the benchmarked handlers return: an acknowledgement with the order's lines. */
export interface OrderResult {
  orderId: string;
  status: 'ACCEPTED';
  lines: OrderLine[];
}

/**
 * A result of about `bytes` of JSON for `orderId`.
 *
 * @example
 * ```ts
 * JSON.stringify(orderResult('o-1', 10 * 1024)).length; // ~10 240
 * ```
 */
export const orderResult = (orderId: string, bytes: number): OrderResult => ({
  orderId,
  status: 'ACCEPTED',
  lines: orderLines(bytes - 60, bytes + 7),
});
