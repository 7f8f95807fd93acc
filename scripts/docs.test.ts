/**
 * The documentation link check over the whole repository (docs/testing.md "The documentation
 * link check"), and the checker's own behaviour on small texts, so that a regular expression
 * that silently matched nothing would fail here too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorOf, checkFile, countReferences, headingsOf, resolveRelative, SCANNED, type RepoView } from './docs/links';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The repository on disk. */
const disk: RepoView = {
  exists: (p) => existsSync(join(ROOT, p)),
  read: (p) => (existsSync(join(ROOT, p)) ? readFileSync(join(ROOT, p), 'utf8') : undefined),
};

/** This file's fixtures name missing paths and outside material on purpose. */
const SELF = 'scripts/docs.test.ts';

/** Tracked files plus new files git does not ignore, that still exist in the working tree (this file aside). */
function repositoryTextFiles(): string[] {
  let out: string;
  try {
    out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
  } catch (e) {
    throw new Error(
      `the link check takes its file list from git, which failed here (${(e as Error).message}); run it in a git checkout with git installed`,
    );
  }
  return [...new Set(out.split('\0'))].filter((f) => f !== SELF && SCANNED.test(f) && existsSync(join(ROOT, f))).sort();
}

/** A small in-memory repository. */
function fakeRepo(files: Record<string, string>): RepoView {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
  return { exists: (p) => p in files || dirs.has(p), read: (p) => files[p] };
}

describe('the checker', () => {
  const repo = fakeRepo({
    'docs/models.md': '# Models\n\n## The encoder\n\n## Pseudo-inverse (`pinvInit`)\n\n```\n# not a heading\n```\n',
    'src/model/views.ts': '',
    'python/proxyformer/pinv.py': '',
    'README.md': '',
    'docs/index.md': '# Models\n',
  });

  it('accepts existing paths, links, anchors and sections', () => {
    const ts =
      '/** See docs/models.md "The encoder", docs/models.md "Pseudo-inverse" and src/model/views.ts; python/proxyformer/pinv.py too. */';
    expect(checkFile('src/x.ts', ts, repo)).toEqual([]);
    const md =
      'See [models](models.md#the-encoder), [top](../README.md), [here](#models) and [web](https://example.org/x.md).\n\n# Models\n';
    expect(checkFile('docs/index.md', md, repo)).toEqual([]);
  });

  it('names file and line of a missing path, link, anchor or section', () => {
    const ts = 'const a = 1;\n// docs/gone.md and src/model/nothing.ts\n// docs/models.md "No such part", docs/models.md "Pseudo"\n';
    expect(checkFile('src/x.ts', ts, repo)).toEqual([
      'src/x.ts:2: docs/gone.md does not exist',
      'src/x.ts:2: src/model/nothing.ts does not exist',
      'src/x.ts:3: docs/models.md has no section "No such part"',
      'src/x.ts:3: docs/models.md has no section "Pseudo"',
    ]);
    const md = 'one\n[a](gone.md)\n[b](models.md#nope)\n[c](../../outside.md)\n[d](models.md), "Views"\n';
    expect(checkFile('docs/index.md', md, repo)).toEqual([
      'docs/index.md:2: link gone.md: docs/gone.md does not exist',
      'docs/index.md:3: link models.md#nope: docs/models.md has no heading with anchor #nope',
      'docs/index.md:4: link ../../outside.md leaves the repository',
      'docs/index.md:5: docs/models.md has no section "Views"',
    ]);
  });

  it('refuses references to material outside the repository and tracker numbers', () => {
    const outside = ['..', 'shared', 'spec', 'model.md'].join('/');
    const notes = ['research', 'notes'].join('-');
    const text = `// see ${outside}\n# ${notes} §1.3\n/* the panel of issue 8 */ // Issue #12\n`;
    const problems = checkFile('src/x.ts', text, repo);
    expect(problems.map((p) => p.slice(0, p.indexOf(': ')))).toEqual([
      'src/x.ts:1',
      'src/x.ts:1',
      'src/x.ts:2',
      'src/x.ts:3',
      'src/x.ts:3',
    ]);
  });

  it('leaves relative, absolute, templated and code-fenced paths alone', () => {
    const ts =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source text holding a template literal
      "import x from '../src/model/gone.ts'; const p = '/tmp/docs/gone.md'; const q = `src/${name}.ts`; // src/**/*.test.ts, mysrc/gone.ts\n";
    expect(checkFile('src/x.ts', ts, repo)).toEqual([]);
    expect(checkFile('docs/x.md', '```\n[a](gone.md)\n```\n', repo)).toEqual([]);
    // A link in a .ts file is code, not Markdown (handlers[kind](event)).
    expect(checkFile('src/x.ts', 'handlers[kind](gone.md);', repo)).toEqual([]);
  });

  it('reads headings and anchors as GitHub does', () => {
    expect(headingsOf('# A\n```\n# B\n```\n### Pseudo-inverse (`pinvInit`)\n')).toEqual(['A', 'Pseudo-inverse (pinvInit)']);
    expect(anchorOf('WebGPU in Node (Dawn)')).toBe('webgpu-in-node-dawn');
    expect(anchorOf('Nyströmformer')).toBe('nyströmformer');
    expect(resolveRelative('docs', '../src/data/README.md')).toBe('src/data/README.md');
    expect(resolveRelative('', '../x')).toBeNull();
  });
});

describe('the repository', () => {
  const files = repositoryTextFiles();

  it('scans the text files git knows about, and finds references in them', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/models.md');
    const totals = files.reduce(
      (acc, f) => {
        const c = countReferences(f, readFileSync(join(ROOT, f), 'utf8'));
        return { paths: acc.paths + c.paths, links: acc.links + c.links };
      },
      { paths: 0, links: 0 },
    );
    // Far fewer than the repository holds: a broken pattern would find none.
    expect(totals.paths).toBeGreaterThan(100);
    expect(totals.links).toBeGreaterThan(10);
  });

  it('names only paths, links and sections that exist, and nothing outside itself', () => {
    const problems = files.flatMap((f) => checkFile(f, readFileSync(join(ROOT, f), 'utf8'), disk));
    expect(problems).toEqual([]);
  });
});
