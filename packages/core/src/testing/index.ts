export { forgetDefaultKeyPrefixes } from '../prefixRegistry.js';
export type { StoreOperation } from '../store.js';
export type { FaultRule } from './FaultyStore.js';
export { FaultyStore } from './FaultyStore.js';
export type { StoreContractCase } from './storeContract.js';
export { storeContract } from './storeContract.js';
