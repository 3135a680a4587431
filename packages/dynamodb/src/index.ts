export type { CreateIdempotencyTableOptions } from './createIdempotencyTable.js';
export { createIdempotencyTable } from './createIdempotencyTable.js';
export { DynamoDBStore } from './DynamoDBStore.js';
export type { AttributeNames, TableLayout } from './layout.js';
export { defaultAttributeNames } from './layout.js';
export type { DynamoDBStoreOptions, SortKeyOptions } from './options.js';
export { resolveStoreOptions } from './options.js';
export { decodeRecord } from './recordCodec.js';
