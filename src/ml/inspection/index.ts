export * from './permutation-importance.js';
