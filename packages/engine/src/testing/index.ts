export { manualIds } from './ids.js';
