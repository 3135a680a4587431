export { forgetDefaultKeyPrefixes } from '../prefixRegistry.js';
export type { FaultRule, StoreOperation } from './FaultyStore.js';
export { FaultyStore } from './FaultyStore.js';
export type { StoreContractCase } from './storeContract.js';
export { storeContract } from './storeContract.js';
