/** The run config: one schema, its defaults, rules, validation, the URL hash and the JSON copy for python/. */
export * from './spec';
export * from './tasks';
export * from './schema';
export { defaultConfig } from './defaults';
export * from './limits';
export {
  checkRules,
  checkShapeRules,
  dividesMnist,
  maxListopsLength,
  MNIST_SIDE,
  segmentsFit,
  usesLandmarks,
  usesSegments,
  type ShapeKeys,
  reformerBuckets,
  MAX_REFORMER_CHUNKS,
} from './rules';
export { allowedText, checkValue, type ConfigIssue } from './values';
export { byFlag, byKey, byLabel, type KeyNamer } from './names';
export { validateConfig, issuesFor, type ValidateOptions, type ValidationResult } from './validate';
export { encodeHash, decodeHash, HASH_VERSION, type DecodedHash } from './url';
export { schemaJson, schemaJsonText, SCHEMA_JSON_PATH, SCHEMA_JSON_FORMAT, type SchemaJson, type KeyJson } from './schemaJson';
