/**
 * Writes src/config/schema.json from the TypeScript schema (`npm run gen:schema`). Run it after
 * changing src/config/schema*.ts; src/config/schemaJson.test.ts fails until the file is current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_JSON_PATH, schemaJsonText } from '../src/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const path = `${root}${SCHEMA_JSON_PATH}`;
writeFileSync(path, schemaJsonText());
console.log(`gen-schema: wrote ${SCHEMA_JSON_PATH}`);
