export { Secret, reveal, isSecret, REDACTED_TEXT } from './Secret.js';
