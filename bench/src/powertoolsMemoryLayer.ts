import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

type RecordOptions = ConstructorParameters<typeof IdempotencyRecord>[0];
type Status = RecordOptions['status'];

// The attributes Powertools' DynamoDB layer writes, kept as plain values.
interface StoredItem {
  idempotencyKey: string;
  status: Status;
  expiryTimestamp: number | undefined;
  inProgressExpiryTimestamp: number | undefined;
  responseData: RecordOptions['responseData'];
  payloadHash: string | undefined;
}

const toRecord = (item: StoredItem): IdempotencyRecord => new IdempotencyRecord({ ...item } as RecordOptions);

/**
 * A Map-backed Powertools persistence layer with the semantics of its DynamoDB layer
 * (`DynamoDBPersistenceLayer` 2.35): the conditional put of the INPROGRESS record returns the
 * existing record on conflict, the update upserts, the delete is unconditional. Results are
 * kept by reference, as the DynamoDB layer's marshalling is not part of an in-memory store
 * (oncely's `InMemoryStore` keeps JSON text because oncely's engine encodes results itself).
 *
 * @example
 * ```ts
 * makeIdempotent(handler, { persistenceStore: new PowertoolsMemoryLayer() });
 * ```
 */
export class PowertoolsMemoryLayer extends BasePersistenceLayer {
  readonly #items = new Map<string, StoredItem>();

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.#items.get(record.idempotencyKey);
    const nowMs = Date.now();
    // attribute_not_exists(#id) OR #expiry < :now OR (#status = INPROGRESS AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)
    const free =
      existing === undefined ||
      (existing.expiryTimestamp ?? 0) < nowMs / 1000 ||
      (existing.status === 'INPROGRESS' &&
        existing.inProgressExpiryTimestamp !== undefined &&
        existing.inProgressExpiryTimestamp < nowMs);
    if (!free) {
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        toRecord(existing),
      );
    }
    this.#items.set(record.idempotencyKey, {
      idempotencyKey: record.idempotencyKey,
      status: record.getStatus(),
      expiryTimestamp: record.expiryTimestamp,
      inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
      responseData: undefined,
      payloadHash: this.isPayloadValidationEnabled() ? record.payloadHash : undefined,
    });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const item = this.#items.get(idempotencyKey);
    if (item === undefined) throw new IdempotencyItemNotFoundError();
    return toRecord(item);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    // UpdateItem without a condition: creates the item when it is missing, keeps unnamed attributes.
    const existing = this.#items.get(record.idempotencyKey);
    this.#items.set(record.idempotencyKey, {
      idempotencyKey: record.idempotencyKey,
      inProgressExpiryTimestamp: existing?.inProgressExpiryTimestamp,
      payloadHash: this.isPayloadValidationEnabled() ? record.payloadHash : existing?.payloadHash,
      responseData: record.responseData !== undefined ? record.responseData : existing?.responseData,
      expiryTimestamp: record.expiryTimestamp,
      status: record.getStatus(),
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.#items.delete(record.idempotencyKey);
  }
}
