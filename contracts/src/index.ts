/**
 * @hearth/contracts: the zod schema of every callable's request and answer and of every document
 * the store keeps, the types inferred from them, the error details apps switch on, and the rule
 * that turns stock figures into a status. JSON Schema of each is in `schema/` (`npm run schema`).
 */
export * from './common';
export * from './catalog';
export * from './inventory';
export * from './inventory-callables';
export * from './limits';
export * from './order-lifecycle';
export * from './order-callables';
export * from './customers';
export * from './recommendations';
export * from './forecasting';
export * from './bulk';
export * from './supply';
export * from './suppliers';
export * from './events';
export * from './errors';
export * from './stock-status';
export * from './callables';
export * from './documents';
