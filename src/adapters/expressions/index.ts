export { loadExpressionTranslator } from './translator.js';
