/**
 * The documentation link check (docs/testing.md "The documentation link check"): the
 * repository must stand on its own, so every path it names must exist in it.
 *
 * Four kinds of problem, each reported as `file:line: message`:
 * - a relative Markdown link `[text](target)` in a .md file whose target does not exist, or
 *   whose `#anchor` is not a heading of the target page;
 * - a repository path mentioned anywhere (a known top-level folder, then path segments, then a
 *   file extension, e.g. `src/model/views.ts`) that does not exist. Paths preceded by `/` or `.`
 *   are relative to something else (`../src/x.ts`, `/tmp/x.ts`) and are not checked here;
 * - a section named in double quotes right after a `docs/…md` path (`docs/models.md "Views"`)
 *   that is not a heading of that page (a heading's trailing parenthesis may be left out);
 * - a reference to material outside the repository (the project's former shared folder and its
 *   background notes) or to an issue tracker by number, which a reader of the repository
 *   cannot follow.
 *
 * Pure functions over text; the caller supplies how to test for a file and read a page.
 */

/** Top-level folders whose paths are checked when mentioned. */
export const TOP_LEVEL = ['src', 'e2e', 'scripts', 'python', 'docs', 'results', '.ci'] as const;
/** Extensions a mentioned path must end with to be taken as a file path. */
const EXTENSIONS = ['ts', 'tsx', 'md', 'py', 'sh', 'mjs', 'js', 'json', 'wgsl', 'html', 'csv'];
/** Text files scanned (by extension). */
export const SCANNED = /\.(md|ts|tsx|py|sh|mjs|wgsl|html)$/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SEGMENT = '[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*';
/** A repository path: not preceded by a path character, a known folder, segments, an extension. */
const PATH_MENTION = new RegExp(
  `(?<![A-Za-z0-9_./@-])((?:${TOP_LEVEL.map(escapeRegExp).join('|')})(?:/${SEGMENT})+\\.(?:${EXTENSIONS.join('|')}))(?![A-Za-z0-9_/-])`,
  'g',
);
/** A section named right after a docs page: `docs/models.md "Views"` or `docs/models.md, "Views"`. */
const SECTION_AFTER = /^,?[ \t]*"([^"\n]+)"/;
/** `[text](target)` or `[text](target "title")`. */
const MARKDOWN_LINK = /\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Things a reader of the repository cannot follow. Built from pieces so this file passes its own check. */
const OUTSIDE: { re: RegExp; what: string }[] = [
  { re: new RegExp(escapeRegExp(['..', 'shared', ''].join('/'))), what: 'a path outside the repository' },
  { re: new RegExp(`\\b${['shared', '(spec|TESTING|GPU|ARCHITECTURE)'].join('/')}\\b`), what: 'the former shared folder' },
  { re: new RegExp(['research', 'notes'].join('-')), what: 'background notes that are not in the repository' },
  { re: /\b[Ii]ssue ?#?[0-9]+\b/, what: 'an issue-tracker number' },
];

export interface RepoView {
  /** Whether a repository-relative path (posix, no leading `./`) exists as a file or folder. */
  exists(path: string): boolean;
  /** The text of a repository-relative file, or undefined when it cannot be read. */
  read(path: string): string | undefined;
}

/** Line number (1-based) of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Blank out fenced code blocks of a Markdown page (keeping line numbers): links there are code. */
export function withoutFences(md: string): string {
  let inFence = false;
  return md
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** The headings of a Markdown page, as written (inline code marks removed). */
export function headingsOf(md: string): string[] {
  return withoutFences(md)
    .split('\n')
    .map((l) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => m[1].replace(/`/g, '').trim());
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Posix join and normalisation of a path relative to a folder; null when it leaves the repository. */
export function resolveRelative(fromDir: string, target: string): string | null {
  const parts = fromDir === '' ? [] : fromDir.split('/');
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Every problem of one file's text. `file` is its repository-relative path. */
export function checkFile(file: string, text: string, repo: RepoView): string[] {
  const problems: string[] = [];
  const report = (offset: number, message: string) => problems.push(`${file}:${lineOf(text, offset)}: ${message}`);
  const sectionProblem = (page: string, section: string): string | null => {
    const body = repo.read(page);
    if (body === undefined) return null; // the missing page itself is reported
    const found = headingsOf(body).some((h) => h === section || h.startsWith(`${section} (`));
    return found ? null : `${page} has no section "${section}"`;
  };

  for (const { re, what } of OUTSIDE) {
    const global = new RegExp(re.source, 'g');
    for (const m of text.matchAll(global)) report(m.index!, `"${m[0]}" names ${what}; cite a docs/ page of the repository instead`);
  }

  for (const m of text.matchAll(PATH_MENTION)) {
    const path = m[1];
    if (!repo.exists(path)) {
      report(m.index!, `${path} does not exist`);
      continue;
    }
    const after = SECTION_AFTER.exec(text.slice(m.index! + path.length));
    if (after && path.startsWith('docs/') && path.endsWith('.md')) {
      const p = sectionProblem(path, after[1]);
      if (p) report(m.index!, p);
    }
  }

  if (file.endsWith('.md')) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    const body = withoutFences(text);
    for (const m of body.matchAll(MARKDOWN_LINK)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const page = pathPart === '' ? file : resolveRelative(dir, decodeURI(pathPart));
      if (page === null) {
        report(m.index!, `link ${target} leaves the repository`);
        continue;
      }
      if (!repo.exists(page)) {
        report(m.index!, `link ${target}: ${page} does not exist`);
        continue;
      }
      if (anchor !== undefined && page.endsWith('.md')) {
        const heads = headingsOf(repo.read(page) ?? '').map(anchorOf);
        if (!heads.includes(anchor)) report(m.index!, `link ${target}: ${page} has no heading with anchor #${anchor}`);
      }
      const after = SECTION_AFTER.exec(body.slice(m.index! + m[0].length));
      if (after && page.endsWith('.md')) {
        const p = sectionProblem(page, after[1]);
        if (p) report(m.index!, p);
      }
    }
  }
  return problems;
}

/** How many repository paths and Markdown links a text holds (to prove the scan sees something). */
export function countReferences(file: string, text: string): { paths: number; links: number } {
  const paths = [...text.matchAll(PATH_MENTION)].length;
  const links = file.endsWith('.md') ? [...withoutFences(text).matchAll(MARKDOWN_LINK)].length : 0;
  return { paths, links };
}
