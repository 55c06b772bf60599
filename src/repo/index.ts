export * from './store.js';
export * from './config.js';
export * from './working-tree.js';
