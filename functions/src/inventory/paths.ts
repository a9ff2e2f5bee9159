/** Where each inventory document lives: the platform's layout of the store (platform/paths.ts). */
export {
  allShards,
  idempotencyRef,
  inventoryCol,
  inventoryRef,
  ledgerCol,
  locationsCol,
  orderRef,
  reconciliationsCol,
  reservationRef,
  reservationsCol,
  shardId,
  shardRef,
  shardsOf,
  transferRef,
  variantRef,
} from '../platform/paths';
