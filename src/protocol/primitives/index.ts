export { Reader, type RawTaggedField } from './reader.js';
export { Writer } from './writer.js';
export { ZERO_UUID, uuidFromBytes, uuidToBytes } from './uuid.js';
