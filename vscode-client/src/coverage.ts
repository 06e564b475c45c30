// AI tool coverage: which AI tools the workspace uses and whether the controls `pavedroad sync`
// generates for them are current. Pure formatting of the server's `pavedroad/toolCoverage` result
// (no `vscode` import), so it is unit-tested with node --test.

import { escapeMarkdown } from './markdown';

/** One generated file of a tool, as the server reports it. */
export interface CoverageFile {
  path: string;
  /** current | missing | stale | edited | error */
  status: string;
  message?: string;
}

/** One entry of `pavedroad/toolCoverage` -> `{tools: [...]}`. */
export interface ToolCoverage {
  tool: string;
  name: string;
  /** current | stale | missing */
  status: string;
  files: string[];
  fileStatus: CoverageFile[];
  /** the workspace shows signs of this tool (its own rules or settings files) */
  detected: boolean;
  enforced: string[];
  notEnforced: string[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The tools of a `pavedroad/toolCoverage` result; tolerant of missing fields and junk. */
export function parseCoverage(result: unknown): ToolCoverage[] {
  const root = obj(result);
  const list = Array.isArray(root?.tools) ? (root!.tools as unknown[]) : [];
  const out: ToolCoverage[] = [];
  for (const t of list) {
    const o = obj(t);
    const tool = str(o?.tool);
    if (!o || !tool) continue;
    const fileStatus: CoverageFile[] = [];
    for (const f of Array.isArray(o.fileStatus) ? o.fileStatus : []) {
      const fo = obj(f);
      const path = str(fo?.path);
      if (fo && path) fileStatus.push({ path, status: str(fo.status) ?? 'unknown', message: str(fo.message) });
    }
    const files = strings(o.files);
    for (const p of files) if (!fileStatus.some((f) => f.path === p)) fileStatus.push({ path: p, status: str(o.status) ?? 'unknown' });
    out.push({
      tool,
      name: str(o.name) ?? tool,
      status: str(o.status) ?? 'unknown',
      files: files.length > 0 ? files : fileStatus.map((f) => f.path),
      fileStatus,
      detected: o.detected === true,
      enforced: strings(o.enforced),
      notEnforced: strings(o.notEnforced),
    });
  }
  return out;
}

/**
 * A tool that needs the user: its controls were generated once and are no longer current, or the
 * workspace uses it and nothing was generated yet. Tools nobody uses here and nobody synced stay
 * quiet (they are listed, not warned about).
 */
export function needsSync(t: ToolCoverage): boolean {
  if (t.status === 'current') return false;
  if (t.status === 'missing') return t.detected;
  return true;
}

/** Tools that matter in this workspace: used here, or synced before. */
export function relevant(t: ToolCoverage): boolean {
  return t.detected || t.status !== 'missing';
}


const STATUS_ICON: Record<string, string> = { current: '$(check)', stale: '$(warning)', missing: '$(circle-slash)' };

function fileProblems(t: ToolCoverage): string {
  const bad = t.fileStatus.filter((f) => f.status !== 'current');
  return bad.map((f) => `${f.path} (${f.status})`).join(', ');
}

export interface CoverageView {
  /** false: nothing to show (no tool is used or synced here) */
  show: boolean;
  text: string;
  /** Markdown. */
  tooltip: string;
  background?: 'warning';
  /** the tools to warn about, in server order */
  attention: ToolCoverage[];
}

export function formatCoverage(tools: readonly ToolCoverage[]): CoverageView {
  const shown = tools.filter(relevant);
  const attention = tools.filter(needsSync);
  if (shown.length === 0) {
    return {
      show: false,
      text: '$(shield) AI tools',
      tooltip: 'Pavedroad: no AI tool controls generated here yet. Run *Pavedroad: Sync AI tool controls*.',
      attention,
    };
  }
  const covered = shown.filter((t) => t.status === 'current').length;
  const text =
    attention.length > 0
      ? `$(warning) AI tools: ${attention.length} need${attention.length === 1 ? 's' : ''} sync`
      : `$(shield) AI tools: ${covered} covered`;
  const lines: string[] = ['**Pavedroad: AI tool controls**', ''];
  for (const t of shown) {
    const icon = STATUS_ICON[t.status] ?? '$(question)';
    let line = `${icon} **${escapeMarkdown(t.name)}**: ${t.status}`;
    const problems = fileProblems(t);
    if (t.status === 'stale' && problems) line += ` (${escapeMarkdown(problems)})`;
    if (t.status === 'missing' && t.detected) line += ' · used here, no controls yet';
    lines.push(line + '  ');
    for (const gap of t.notEnforced.slice(0, 3)) lines.push(`&nbsp;&nbsp;not enforced: ${escapeMarkdown(gap)}  `);
    if (t.notEnforced.length > 3) lines.push(`&nbsp;&nbsp;and ${t.notEnforced.length - 3} more  `);
  }
  lines.push('', attention.length > 0 ? '_Click to review and sync._' : '_Click for details._');
  return { show: true, text, tooltip: lines.join('\n'), background: attention.length > 0 ? 'warning' : undefined, attention };
}

/** The warning shown once per state: which tools' controls are out of date. */
export function attentionMessage(tools: readonly ToolCoverage[]): string | undefined {
  const attention = tools.filter(needsSync);
  if (attention.length === 0) return undefined;
  const parts = attention.map((t) => {
    const problems = fileProblems(t);
    if (t.status === 'missing') return `${t.name} (no controls yet)`;
    return problems ? `${t.name} (${problems})` : t.name;
  });
  const shown = parts.slice(0, 4).join(', ') + (parts.length > 4 ? `, and ${parts.length - 4} more` : '');
  return `Pavedroad: AI tool controls are not current for ${shown}. Sync them from the zone config?`;
}

/** A key that changes when the set of problems changes (to warn once per state, not per refresh). */
export function attentionKey(tools: readonly ToolCoverage[]): string {
  return tools
    .filter(needsSync)
    .map((t) => `${t.tool}:${t.status}:${t.fileStatus.map((f) => `${f.path}=${f.status}`).join(',')}`)
    .join('|');
}

/** One quick-pick entry per tool (strings only; the extension adds the actions). */
export interface CoverageItem {
  label: string;
  description: string;
  detail: string;
  tool: ToolCoverage;
}

export function coverageItems(tools: readonly ToolCoverage[]): CoverageItem[] {
  const ordered = [...tools].sort((a, b) => Number(needsSync(b)) - Number(needsSync(a)) || Number(relevant(b)) - Number(relevant(a)));
  return ordered.map((t) => {
    const icon = STATUS_ICON[t.status] ?? '$(question)';
    const used = t.detected ? 'used here' : relevant(t) ? 'synced' : 'not used here';
    const gaps = t.notEnforced.length > 0 ? `Not enforced: ${t.notEnforced.join('; ')}` : 'Everything the zones ask of it is enforced.';
    const problems = t.status !== 'current' ? fileProblems(t) : '';
    return {
      label: `${icon} ${t.name}`,
      description: `${t.status} · ${used}${problems ? ` · ${problems}` : ''}`,
      detail: `${t.files.join(', ')}. ${gaps}`,
      tool: t,
    };
  });
}

/** The message after `pavedroad.sync` answered `{written: [paths]}`. */
export function syncSummary(result: unknown): string {
  const o = obj(result);
  const written = strings(o?.written);
  const errors = Array.isArray(o?.errors) ? o!.errors.length : 0;
  let msg =
    written.length === 0
      ? 'Pavedroad: AI tool controls were already current.'
      : `Pavedroad: wrote ${written.length} file${written.length === 1 ? '' : 's'}: ${written.slice(0, 6).join(', ')}${written.length > 6 ? ', ...' : ''}.`;
  if (errors > 0) msg += ` ${errors} file${errors === 1 ? '' : 's'} could not be merged (see the output).`;
  return msg;
}

/** Files whose change can make coverage stale (a VS Code glob, relative to a workspace folder). */
export const COVERAGE_WATCH_GLOB =
  '{.pavedroad.yaml,.cursorignore,.cursorindexingignore,.aiexclude,.geminiignore,.aiderignore,.codeiumignore,' +
  '.aiignore,.continueignore,.clineignore,.rooignore,.claude/settings.json,.cursor/hooks.json,' +
  '.github/hooks/pavedroad.json,.gemini/settings.json,.codex/hooks.json,.windsurf/hooks.json,.zed/settings.json,' +
  'CODEOWNERS,.github/CODEOWNERS,docs/CODEOWNERS}';
