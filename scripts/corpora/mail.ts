/** Splitting a raw mail into header block and body, and the thread key of its subject. */

/** Byte index where the body starts (after the first empty line), or -1 when there is none. */
export function bodyStart(mail: Uint8Array): number {
  for (let i = 0; i + 1 < mail.length; i++) {
    if (mail[i] !== 10) continue;
    if (mail[i + 1] === 10) return i + 2;
    if (mail[i + 1] === 13 && mail[i + 2] === 10) return i + 3;
  }
  return -1;
}

/** The Subject header's value (folded lines joined), or '' when absent. */
export function subjectOf(headers: string): string {
  const lines = headers.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^subject:(.*)$/i.exec(lines[i]);
    if (!m) continue;
    let v = m[1];
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j]); j++) v += ' ' + lines[j].trim();
    return v.trim();
  }
  return '';
}

/** The subject with reply/forward prefixes and [list] tags removed, lower-cased, spaces collapsed. */
export function threadKey(subject: string): string {
  let s = subject.toLowerCase().replace(/\s+/g, ' ').trim();
  for (;;) {
    const t = s.replace(/^(re|fw|fwd|aw)\s*(\[\d+\])?\s*:\s*/, '').replace(/^\[[^\]]*\]\s*/, '');
    if (t === s) return s;
    s = t;
  }
}
