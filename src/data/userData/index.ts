/** Your own data: formats, parsers, preparation (splits, de-duplication) and the task. */
export * from './limits';
export * from './examples';
export * from './table';
export * from './prepare';
export * from './format';
export * from './images';
export * from './parse';
export { UserDataTask } from './task';
export { firstInvalidUtf8, decodeUtf8 } from './utf8';
export { readZip } from './zip';
