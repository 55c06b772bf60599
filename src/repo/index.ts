export * from './paths.js';
export * from './store.js';
export * from './config.js';
export * from './working-tree.js';
export * from './index-cache.js';
export * from './changed.js';
export * from './merge-state.js';
export * from './renames.js';
