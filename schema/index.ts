export * from './enums';
export * from './reference';
export * from './registry';
export * from './sources';
export * from './imports';
export * from './reconciliation';
export * from './security';
export * from './ops';
