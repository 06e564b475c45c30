import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attentionKey,
  attentionMessage,
  COVERAGE_WATCH_GLOB,
  coverageItems,
  formatCoverage,
  needsSync,
  parseCoverage,
  syncSummary,
} from '../coverage';

// The shape `pavedroad.sync.coverage()` serialises (ToolCoverage.to_json), as the server sends it.
const result = {
  tools: [
    {
      tool: 'claude',
      name: 'Claude Code',
      status: 'current',
      files: ['.claude/settings.json'],
      fileStatus: [{ path: '.claude/settings.json', status: 'current', message: '' }],
      detected: true,
      enforced: ['agent read: (sensitive), vault'],
      notEnforced: ['terminal: (sensitive) (partly), vault (partly)'],
    },
    {
      tool: 'cursor',
      name: 'Cursor',
      status: 'stale',
      files: ['.cursorignore', '.cursorindexingignore', '.cursor/hooks.json'],
      fileStatus: [
        { path: '.cursorignore', status: 'edited', message: 'the pavedroad block was edited by hand' },
        { path: '.cursorindexingignore', status: 'current', message: '' },
        { path: '.cursor/hooks.json', status: 'current', message: '' },
      ],
      detected: true,
      enforced: [],
      notEnforced: ['terminal: vault (partly)', 'agent edit: crypto (partly)'],
    },
    {
      tool: 'zed',
      name: 'Zed',
      status: 'missing',
      files: ['.zed/settings.json'],
      fileStatus: [{ path: '.zed/settings.json', status: 'missing', message: 'not generated yet' }],
      detected: false,
      enforced: [],
      notEnforced: [],
    },
    {
      tool: 'codex',
      name: 'OpenAI Codex CLI',
      status: 'missing',
      files: ['.codex/hooks.json'],
      fileStatus: [{ path: '.codex/hooks.json', status: 'missing', message: 'not generated yet' }],
      detected: true,
      enforced: [],
      notEnforced: [],
    },
  ],
};

describe('parseCoverage', () => {
  it('reads the server result', () => {
    const tools = parseCoverage(result);
    assert.deepEqual(tools.map((t) => [t.tool, t.status, t.detected]), [
      ['claude', 'current', true],
      ['cursor', 'stale', true],
      ['zed', 'missing', false],
      ['codex', 'missing', true],
    ]);
    assert.equal(tools[1].fileStatus[0].status, 'edited');
  });

  it('accepts the minimal contract {tool, status, files, notEnforced}', () => {
    const [t] = parseCoverage({ tools: [{ tool: 'gemini', status: 'stale', files: ['.geminiignore'], notEnforced: ['x'] }] });
    assert.equal(t.name, 'gemini');
    assert.deepEqual(t.fileStatus, [{ path: '.geminiignore', status: 'stale' }]);
    assert.equal(t.detected, false);
    assert.ok(needsSync(t)); // synced before and now stale: warn even if not detected
  });

  it('tolerates junk', () => {
    assert.deepEqual(parseCoverage(null), []);
    assert.deepEqual(parseCoverage({ tools: [null, 3, { name: 'no id' }, { tool: 'x', files: [1, 'a'] }] }).map((t) => t.files), [['a']]);
  });
});

describe('formatCoverage', () => {
  it('warns about stale controls and tools used without controls', () => {
    const v = formatCoverage(parseCoverage(result));
    assert.ok(v.show);
    assert.equal(v.text, '$(warning) AI tools: 2 need sync');
    assert.equal(v.background, 'warning');
    assert.deepEqual(v.attention.map((t) => t.tool), ['cursor', 'codex']);
    assert.match(v.tooltip, /Cursor\*\*: stale \(\\\.cursorignore \\\(edited\\\)\)/);
    assert.match(v.tooltip, /OpenAI Codex CLI\*\*: missing · used here, no controls yet/);
    assert.match(v.tooltip, /used here, no controls yet/);
    assert.match(v.tooltip, /not enforced: terminal\\: vault \\\(partly\\\)/);
    assert.ok(!v.tooltip.includes('Zed'), 'a tool nobody uses or synced is not listed');
  });

  it('all current', () => {
    const tools = parseCoverage(result).filter((t) => t.status === 'current');
    const v = formatCoverage(tools);
    assert.equal(v.text, '$(shield) AI tools: 1 covered');
    assert.equal(v.background, undefined);
    assert.equal(attentionMessage(tools), undefined);
  });

  it('nothing used or synced: hidden', () => {
    const v = formatCoverage(parseCoverage({ tools: [result.tools[2]] }));
    assert.equal(v.show, false);
  });
});

describe('attention', () => {
  it('names the tools and files', () => {
    const msg = attentionMessage(parseCoverage(result));
    assert.equal(
      msg,
      'Pavedroad: AI tool controls are not current for Cursor (.cursorignore (edited)), OpenAI Codex CLI (no controls yet). Sync them from the zone config?',
    );
  });

  it('key changes with the problems, not with unrelated tools', () => {
    const tools = parseCoverage(result);
    const k1 = attentionKey(tools);
    const healthyZed = parseCoverage({ tools: [...result.tools.slice(0, 2), { ...result.tools[2], status: 'current' }, result.tools[3]] });
    assert.equal(attentionKey(healthyZed), k1);
    const moreEdited = JSON.parse(JSON.stringify(result));
    moreEdited.tools[1].fileStatus[2].status = 'stale';
    assert.notEqual(attentionKey(parseCoverage(moreEdited)), k1);
  });
});

describe('coverageItems', () => {
  it('tools needing sync first, with files and gaps', () => {
    const items = coverageItems(parseCoverage(result));
    assert.deepEqual(items.map((i) => i.tool.tool), ['cursor', 'codex', 'claude', 'zed']);
    assert.equal(items[0].label, '$(warning) Cursor');
    assert.match(items[0].description, /stale · used here · \.cursorignore \(edited\)/);
    assert.match(items[0].detail, /^\.cursorignore, \.cursorindexingignore, \.cursor\/hooks\.json\. Not enforced: terminal/);
    assert.match(items[3].description, /not used here/);
  });
});

describe('syncSummary', () => {
  it('summarises the written files', () => {
    assert.equal(syncSummary({ written: ['.cursorignore'] }), 'Pavedroad: wrote 1 file: .cursorignore.');
    assert.equal(syncSummary({ written: [] }), 'Pavedroad: AI tool controls were already current.');
    assert.match(syncSummary({ written: ['a', 'b'], errors: [{ path: 'c' }] }), /wrote 2 files: a, b\. 1 file could not be merged/);
    assert.equal(syncSummary(undefined), 'Pavedroad: AI tool controls were already current.');
  });
});

describe('COVERAGE_WATCH_GLOB', () => {
  it('watches every generated file and the config', () => {
    for (const f of ['.pavedroad.yaml', '.cursorignore', '.aiexclude', '.claude/settings.json', '.codex/hooks.json', '.github/CODEOWNERS', '.zed/settings.json']) {
      assert.ok(COVERAGE_WATCH_GLOB.includes(f), f);
    }
  });
});
