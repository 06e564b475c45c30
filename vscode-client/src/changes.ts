// Pure helpers (no `vscode` import) that turn document content changes into the ranges of inserted
// text, in the coordinates of the document *after* the change. Positions are 0-based lines and
// UTF-16 code units, like VS Code and LSP (utf-16 encoding).

export interface Pos {
  line: number;
  character: number;
}

export interface Rng {
  start: Pos;
  end: Pos;
}

/** The shape of vscode.TextDocumentContentChangeEvent that we use. */
export interface ContentChange {
  range: Rng; // in the document before the event
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

const EOL = /\r\n|\r|\n/;

/** The position reached after writing `text` starting at `pos`. */
export function advance(pos: Pos, text: string): Pos {
  const parts = text.split(EOL);
  if (parts.length === 1) {
    return { line: pos.line, character: pos.character + text.length };
  }
  return { line: pos.line + parts.length - 1, character: parts[parts.length - 1].length };
}

function cmp(a: Pos, b: Pos): number {
  return a.line - b.line || a.character - b.character;
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // never split a surrogate pair
  if (i > 0 && i < b.length && isHighSurrogate(b.charCodeAt(i - 1))) i--;
  return i;
}

function commonSuffix(a: string, b: string, max: number): number {
  let j = 0;
  while (j < max && a.charCodeAt(a.length - 1 - j) === b.charCodeAt(b.length - 1 - j)) j++;
  if (j > 0 && j < b.length && isLowSurrogate(b.charCodeAt(b.length - j))) j--;
  return j;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Ranges (after the event) covering the text that the changes inserted.
 *
 * `changes` are the content changes of ONE document change event: non-overlapping, with ranges in
 * the document before the event (VS Code lists them in any order; we sort them).
 * `oldText`, when given, is the full document text before the event: then the part of a replacement
 * that merely re-types the replaced text (a common prefix or suffix, e.g. an inline suggestion that
 * replaces the word already typed) is not counted as inserted.
 * Pure deletions yield nothing. Touching or overlapping ranges are merged.
 */
export function insertedRanges(changes: readonly ContentChange[], oldText?: string): Rng[] {
  const sorted = [...changes].sort((a, b) => cmp(a.range.start, b.range.start) || a.rangeOffset - b.rangeOffset);
  const out: Rng[] = [];
  let lineDelta = 0; // lines added so far by earlier changes
  let lastOldEndLine = -1; // old line on which the previous change ended
  let charDelta = 0; // column shift on that line for positions after the previous change

  for (const c of sorted) {
    const s = c.range.start;
    const newStart: Pos = {
      line: s.line + lineDelta,
      character: s.character + (s.line === lastOldEndLine ? charDelta : 0),
    };
    const newEnd = advance(newStart, c.text);

    if (c.text.length > 0) {
      let pre = 0;
      let suf = 0;
      if (oldText !== undefined && c.rangeLength > 0) {
        const replaced = oldText.substr(c.rangeOffset, c.rangeLength);
        pre = commonPrefix(replaced, c.text);
        suf = commonSuffix(replaced, c.text, Math.min(replaced.length, c.text.length) - pre);
      }
      if (pre + suf < c.text.length) {
        out.push({
          start: advance(newStart, c.text.slice(0, pre)),
          end: advance(newStart, c.text.slice(0, c.text.length - suf)),
        });
      }
    }

    const removedLines = c.range.end.line - c.range.start.line;
    const addedLines = newEnd.line - newStart.line;
    lineDelta += addedLines - removedLines;
    lastOldEndLine = c.range.end.line;
    charDelta = newEnd.character - c.range.end.character;
  }
  return mergeRanges(out);
}

/** Sorts and merges overlapping or touching ranges. */
export function mergeRanges(ranges: readonly Rng[]): Rng[] {
  const sorted = [...ranges].sort((a, b) => cmp(a.start, b.start));
  const out: Rng[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && cmp(r.start, last.end) <= 0) {
      if (cmp(r.end, last.end) > 0) last.end = { ...r.end };
    } else {
      out.push({ start: { ...r.start }, end: { ...r.end } });
    }
  }
  return out;
}

/** Applies `changes` (one event) to `text`: used by tests to check `insertedRanges`. */
export function applyChanges(text: string, changes: readonly ContentChange[]): string {
  const sorted = [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
  let out = text;
  for (const c of sorted) {
    out = out.slice(0, c.rangeOffset) + c.text + out.slice(c.rangeOffset + c.rangeLength);
  }
  return out;
}

/** The text covered by `range` in `text` (utf-16 positions). */
export function textInRange(text: string, range: Rng): string {
  const offsets = lineOffsets(text);
  const at = (p: Pos) => Math.min(text.length, (offsets[p.line] ?? text.length) + p.character);
  return text.slice(at(range.start), at(range.end));
}

function lineOffsets(text: string): number[] {
  const offsets = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      offsets.push(i + 1);
    } else if (ch === 10) {
      offsets.push(i + 1);
    }
  }
  return offsets;
}

/** Whether an event is worth a clipboard read to tell a paste apart from typing. */
export function isPasteCandidate(changes: readonly ContentChange[]): boolean {
  return changes.some((c) => c.text.length >= 2 && (EOL.test(c.text) || c.text.trim().length >= 16));
}

function normalizeForPaste(s: string): string {
  return s
    .split(EOL)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

/**
 * Whether the inserted text came from the clipboard. Editors re-indent pasted code (auto-indent,
 * format on paste), so leading/trailing whitespace per line and blank lines are ignored; multi-cursor
 * pastes insert the whole clipboard at each cursor, or one clipboard line per cursor.
 */
export function isPaste(insertedTexts: readonly string[], clipboard: string): boolean {
  const clip = normalizeForPaste(clipboard);
  if (clip.length === 0) return false;
  const inserted = insertedTexts.filter((t) => t.length > 0);
  if (inserted.length === 0) return false;
  if (inserted.every((t) => normalizeForPaste(t) === clip)) return true; // one or several cursors
  if (inserted.length === 1) return false;
  const joined = inserted.map(normalizeForPaste).join('\n');
  return joined === clip;
}
