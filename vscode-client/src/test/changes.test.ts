import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  advance,
  applyChanges,
  type ContentChange,
  insertedRanges,
  isPaste,
  isPasteCandidate,
  mergeRanges,
  type Pos,
  textInRange,
} from '../changes';

/** Builds a change from offsets in `text`, as VS Code would report it. */
function change(text: string, offset: number, length: number, inserted: string): ContentChange {
  return { range: { start: posAt(text, offset), end: posAt(text, offset + length) }, rangeOffset: offset, rangeLength: length, text: inserted };
}

function posAt(text: string, offset: number): Pos {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** The inserted texts according to insertedRanges, read back from the new document. */
function insertedTexts(text: string, changes: ContentChange[], withOld = false): string[] {
  const after = applyChanges(text, changes);
  return insertedRanges(changes, withOld ? text : undefined).map((r) => textInRange(after, r));
}

describe('advance', () => {
  it('moves along one line', () => {
    assert.deepEqual(advance({ line: 2, character: 4 }, 'abc'), { line: 2, character: 7 });
  });
  it('moves across lines (\\n, \\r\\n, \\r)', () => {
    assert.deepEqual(advance({ line: 2, character: 4 }, 'a\nbc\r\nxyz'), { line: 4, character: 3 });
    assert.deepEqual(advance({ line: 0, character: 9 }, 'a\r'), { line: 1, character: 0 });
  });
  it('counts UTF-16 code units (astral characters are 2)', () => {
    assert.deepEqual(advance({ line: 0, character: 0 }, 'é😀'), { line: 0, character: 3 });
  });
});

describe('insertedRanges', () => {
  const doc = 'def login(user):\n    pass\n';

  it('single multi-line insertion', () => {
    const ins = '    token = make()\n    return token\n';
    const c = change(doc, 17, 0, ins);
    assert.deepEqual(insertedRanges([c]), [{ start: { line: 1, character: 0 }, end: { line: 3, character: 0 } }]);
    assert.deepEqual(insertedTexts(doc, [c]), [ins]);
  });

  it('replacement', () => {
    const c = change(doc, 21, 4, 'return 1');
    assert.deepEqual(insertedRanges([c]), [{ start: { line: 1, character: 4 }, end: { line: 1, character: 12 } }]);
  });

  it('pure deletion yields nothing', () => {
    assert.deepEqual(insertedRanges([change(doc, 0, 4, '')]), []);
  });

  it('several changes in one event (any order) map to post-change coordinates', () => {
    const text = 'a = (\nb\nc = [\n';
    // two inserts on different lines plus one on the same line after an earlier insert
    const c1 = change(text, 5, 0, 'x, y'); // after "a = ("
    const c2 = change(text, 0, 0, 'L1\nL2\n'); // at start, adds 2 lines
    const c3 = change(text, 13, 0, '1, 2]'); // after "c = ["
    const changes = [c3, c1, c2];
    const after = applyChanges(text, changes);
    assert.equal(after, 'L1\nL2\na = (x, y\nb\nc = [1, 2]\n');
    assert.deepEqual(insertedTexts(text, changes), ['L1\nL2\n', 'x, y', '1, 2]']);
  });

  it('two changes on the same line shift columns', () => {
    const text = 'f(a, b)\n';
    const changes = [change(text, 2, 0, 'xx'), change(text, 5, 1, 'yyy\nzz')];
    const after = applyChanges(text, changes);
    assert.equal(after, 'f(xxa, yyy\nzz)\n');
    assert.deepEqual(insertedTexts(text, changes), ['xx', 'yyy\nzz']);
  });

  it('a replacement that re-types the typed prefix counts only the new text', () => {
    const text = 'def au\n';
    const c = change(text, 0, 6, 'def authenticate(user):\n    return check(user)');
    const ranges = insertedRanges([c], text);
    assert.deepEqual(ranges, [{ start: { line: 0, character: 6 }, end: { line: 1, character: 22 } }]);
    assert.deepEqual(insertedTexts(text, [c], true), ['thenticate(user):\n    return check(user)']);
  });

  it('common suffix (auto-closed bracket) is not counted', () => {
    const text = 'print()\n';
    const c = change(text, 6, 1, '"hi")');
    assert.deepEqual(insertedTexts(text, [c], true), ['"hi"']);
  });

  it('identical replacement yields nothing', () => {
    const text = 'abc\n';
    assert.deepEqual(insertedRanges([change(text, 0, 3, 'abc')], text), []);
  });

  it('does not split surrogate pairs when trimming', () => {
    const text = 'x = "\uD83D\uDE00"\n';
    const c = change(text, 5, 2, '\uD83D\uDE01');
    const got = insertedTexts(text, [c], true);
    assert.deepEqual(got, ['\uD83D\uDE01']);
  });

  it('CRLF documents', () => {
    const text = 'a\r\nb\r\n';
    const c = change(text, 3, 0, 'x\r\ny\r\n');
    assert.deepEqual(insertedRanges([c]), [{ start: { line: 1, character: 0 }, end: { line: 3, character: 0 } }]);
    assert.deepEqual(insertedTexts(text, [c]), ['x\r\ny\r\n']);
  });

  it('merges touching ranges', () => {
    const text = 'ab';
    const changes = [change(text, 1, 0, 'X'), change(text, 1, 1, 'Y')];
    // insert at 1 and replace "b": touching in the result
    assert.equal(insertedRanges(changes).length, 1);
  });

  it('matches a brute-force check on random edits', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = ['a', 'b', '\n', ' ', 'é', '\uD83D\uDE00'];
    for (let iter = 0; iter < 300; iter++) {
      let text = '';
      for (let i = 0; i < 40; i++) text += alphabet[rnd(alphabet.length)];
      // non-overlapping changes at character boundaries (not inside a surrogate pair)
      const cuts = new Set<number>();
      while (cuts.size < 4) {
        const k = rnd(text.length + 1);
        const code = text.charCodeAt(k);
        if (!(code >= 0xdc00 && code <= 0xdfff)) cuts.add(k);
      }
      const [a, b, c, d] = [...cuts].sort((x, y) => x - y);
      const ins1 = ['Q', 'QQ\nR', '', '\nZ\n'][rnd(4)];
      const ins2 = ['W\nW', 'V', 'UU', '\uD83D\uDE01'][rnd(4)];
      const changes = [change(text, c, d - c, ins2), change(text, a, b - a, ins1)];
      const got = insertedTexts(text, changes).join('|');
      const want = [ins1, ins2].filter((s) => s.length > 0);
      // adjacent results merge; compare concatenations
      assert.equal(got.replace(/\|/g, ''), want.join(''), `iteration ${iter}`);
    }
  });
});

describe('mergeRanges', () => {
  it('merges overlaps and keeps gaps', () => {
    const r = (a: number, b: number, c: number, d: number) => ({ start: { line: a, character: b }, end: { line: c, character: d } });
    assert.deepEqual(mergeRanges([r(3, 0, 4, 0), r(0, 0, 1, 0), r(0, 5, 2, 0)]), [r(0, 0, 2, 0), r(3, 0, 4, 0)]);
  });
});

describe('paste detection', () => {
  const clip = 'def f():\n    return 1\n';
  it('exact paste', () => assert.ok(isPaste([clip], clip)));
  it('re-indented paste', () => assert.ok(isPaste(['def f():\n        return 1\n    '], clip)));
  it('CRLF vs LF', () => assert.ok(isPaste(['def f():\r\n    return 1\r\n'], clip)));
  it('multi-cursor: whole clipboard at each cursor', () => assert.ok(isPaste(['abc def', 'abc def'], 'abc def')));
  it('multi-cursor: one line per cursor', () => assert.ok(isPaste(['def f():', 'return 1'], clip)));
  it('different text is not a paste', () => assert.ok(!isPaste(['def g():\n    return 2\n'], clip)));
  it('empty clipboard is never a paste', () => assert.ok(!isPaste(['x'], '')));
  it('only deletions are not a paste', () => assert.ok(!isPaste([''], clip)));
  it('candidates: multi-line or long insertions only', () => {
    const c = (text: string): ContentChange => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, rangeOffset: 0, rangeLength: 0, text });
    assert.ok(!isPasteCandidate([c('a')]));
    assert.ok(!isPasteCandidate([c('\n')]));
    assert.ok(isPasteCandidate([c('a\nb')]));
    assert.ok(isPasteCandidate([c('x'.repeat(20))]));
  });
});
