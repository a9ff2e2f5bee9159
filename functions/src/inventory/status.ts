/**
 * What shoppers are told about a SKU's stock. The rule is part of the contract (the client applies
 * it to the shards it sums), so it lives in @hearth/contracts; inventory reads it from here.
 */
export { LOW_STOCK_UNITS, stockStatus, type StatusInputs } from '@hearth/contracts';
