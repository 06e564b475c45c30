import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenZoneMap, formatStatus, promptDetails, sortZones, summarizePrompt, type ZoneAt } from '../status';

const auth: ZoneAt = {
  id: 'auth',
  level: 'review',
  ai: 'review',
  context: 'warn',
  title: 'Authentication and sessions',
  why: 'Auth flows are the top breach path; AI drafts need AppSec review.',
  reviewers: ['@acme/appsec'],
};
const tests: ZoneAt = { id: 'tests', level: 'allow', ai: 'allow', context: 'allow', why: 'Tests' };
const crypto: ZoneAt = { id: 'crypto', level: 'deny', ai: 'deny', context: 'deny' };

describe('formatStatus', () => {
  it('no zone', () => {
    const v = formatStatus([]);
    assert.equal(v.text, '$(shield) no zone');
    assert.equal(v.primary, undefined);
    assert.equal(v.background, undefined);
  });

  it('one zone: id, AI level, why and reviewers in the tooltip', () => {
    const v = formatStatus([auth]);
    assert.equal(v.text, '$(eye) auth: AI review');
    assert.equal(v.background, 'warning');
    assert.match(v.tooltip, /Authentication and sessions/);
    assert.match(v.tooltip, /AppSec review/);
    assert.match(v.tooltip, /Reviewers: \\@acme\\\/appsec/);
    assert.equal(v.primary, auth);
  });

  it('strictest zone first, with a count of the others', () => {
    const v = formatStatus([tests, auth, crypto]);
    assert.equal(v.text, '$(circle-slash) crypto: AI deny +2');
    assert.equal(v.background, 'error');
    assert.deepEqual(sortZones([tests, auth, crypto]).map((z) => z.id), ['crypto', 'auth', 'tests']);
  });

  it('allow zone has no background', () => {
    const v = formatStatus([tests]);
    assert.equal(v.text, '$(pass) tests: AI allow');
    assert.equal(v.background, undefined);
  });

  it('escapes markdown in why', () => {
    const v = formatStatus([{ id: 'x', ai: 'warn', why: 'see [link](http://evil)' }]);
    assert.ok(!v.tooltip.includes('[link](http://evil)'));
    assert.ok(!v.tooltip.includes('://'), 'a bare URL would autolink');
    assert.ok(v.tooltip.includes('see \\[link\\]\\(http\\:\\/\\/evil\\)'));
  });

  it('escapes markdown in title and reviewers', () => {
    const v = formatStatus([{ id: 'x', ai: 'warn', title: '![x](https://evil/p.png)', reviewers: ['<img src=x>', 'www.evil.example'] }]);
    assert.ok(!v.tooltip.includes('!['));
    assert.ok(!v.tooltip.includes('www.'));
    assert.equal(v.tooltip.split('<img').length, v.tooltip.split('\\<img').length);
  });
});

describe('prompt results', () => {
  it('summarizes findings by kind', () => {
    const r = {
      verdict: 'block',
      redacted: 'key=[REDACTED]',
      findings: [
        { kind: 'secret', rule: 'aws-key', message: 'AWS access key', start: 4, end: 24 },
        { kind: 'pii', rule: 'email', message: 'e-mail address', start: 30, end: 40 },
        { kind: 'pii', rule: 'email', message: 'e-mail address', start: 50, end: 60 },
      ],
    };
    assert.equal(summarizePrompt(r), 'Prompt check: block (do not send this prompt): 3 findings: secret, pii ×2.');
    assert.deepEqual(promptDetails(r)[0], '[secret/aws-key] AWS access key (characters 4-24)');
  });
  it('no findings', () => {
    assert.equal(summarizePrompt({ verdict: 'allow', findings: [], redacted: '' }), 'Prompt check: allow, no findings.');
  });
});

describe('flattenZoneMap', () => {
  it('files with zones and regions (1-based CLI lines)', () => {
    const e = flattenZoneMap({
      files: [
        { path: 'src/auth/session.py', zones: [{ id: 'auth', ai: 'review', regions: [{ start_line: 3, end_line: 9 }] }] },
        { path: 'tests/test_x.py', zones: [{ id: 'tests', ai: 'allow' }] },
      ],
    });
    assert.equal(e.length, 2);
    assert.deepEqual(
      { file: e[0].file, zone: e[0].zone, line: e[0].line, detail: e[0].detail },
      { file: 'src/auth/session.py', zone: 'auth', line: 2, detail: 'src/auth/session.py: lines 3-9' },
    );
    assert.equal(e[1].label, 'tests (allow)');
  });

  it('the `pavedroad zones --format json` shape: one entry per region', () => {
    const e = flattenZoneMap({
      root: '/w',
      files: [
        {
          path: 'app/handlers.py',
          zones: ['auth', 'crypto'],
          regions: [
            { zone: 'auth', start_line: 15, end_line: 19, symbol: 'verify_token', reasons: ['symbols'] },
            { zone: 'crypto', start_line: 22, end_line: 23, symbol: 'etag', reasons: ['calls'] },
          ],
        },
        { path: 'tests/test_handlers.py', zones: ['tests'], regions: [] },
      ],
    });
    assert.deepEqual(
      e.map((x) => [x.file, x.zone, x.line, x.detail]),
      [
        ['app/handlers.py', 'auth', 14, 'app/handlers.py: lines 15-19 (verify_token)'],
        ['app/handlers.py', 'crypto', 21, 'app/handlers.py: lines 22-23 (etag)'],
        ['tests/test_handlers.py', 'tests', undefined, 'tests/test_handlers.py'],
      ],
    );
  });

  it('files with regions naming zones, LSP ranges', () => {
    const e = flattenZoneMap({
      files: [{ uri: 'file:///w/a.py', regions: [{ zones: ['auth', 'crypto'], range: { start: { line: 4, character: 0 }, end: { line: 8, character: 0 } } }] }],
    });
    assert.deepEqual(e.map((x) => [x.zone, x.line, x.detail]), [
      ['auth', 4, 'file:///w/a.py: lines 5-9'],
      ['crypto', 4, 'file:///w/a.py: lines 5-9'],
    ]);
  });

  it('tolerates junk', () => {
    assert.deepEqual(flattenZoneMap(null), []);
    assert.deepEqual(flattenZoneMap({ files: [1, null, { path: 'x', zones: [null, 3] }] }), []);
  });
});
