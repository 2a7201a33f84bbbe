export * from './audit.js';
export * from './convert.js';
export * from './orders.js';
export * from './positions.js';
export * from './users.js';
