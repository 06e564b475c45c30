// Pure formatting of the status bar item and of results from the server (no `vscode` import).

import type { Rng } from './changes';
import { escapeMarkdown } from './markdown';

export type Level = 'allow' | 'warn' | 'review' | 'deny';

/** One entry of the `pavedroad/zonesAt` response. */
export interface ZoneAt {
  id: string;
  level?: string;
  ai?: string;
  context?: string;
  why?: string;
  range?: Rng;
  title?: string;
  reviewers?: string[];
  definedAt?: { uri: string; range?: Rng };
}

const ORDER: Record<string, number> = { allow: 0, warn: 1, review: 2, deny: 3 };

export function levelRank(level: string | undefined): number {
  return level !== undefined && level in ORDER ? ORDER[level] : -1;
}

/** The AI level that decides how a zone looks: `ai`, else the overall `level`. */
function aiLevel(z: ZoneAt): string | undefined {
  return z.ai ?? z.level;
}

/** Zones ordered strictest first (by AI level, then overall level), stable otherwise. */
export function sortZones(zones: readonly ZoneAt[]): ZoneAt[] {
  return zones
    .map((z, i) => ({ z, i }))
    .sort(
      (a, b) =>
        levelRank(aiLevel(b.z)) - levelRank(aiLevel(a.z)) ||
        levelRank(b.z.level) - levelRank(a.z.level) ||
        a.i - b.i,
    )
    .map((x) => x.z);
}

const ICON: Record<string, string> = {
  allow: '$(pass)',
  warn: '$(warning)',
  review: '$(eye)',
  deny: '$(circle-slash)',
};

export interface StatusView {
  text: string;
  /** Markdown. */
  tooltip: string;
  /** 'error' | 'warning' | undefined: which status bar background to use. */
  background?: 'error' | 'warning';
  /** The strictest zone, the one a click opens. */
  primary?: ZoneAt;
}


export function formatStatus(zones: readonly ZoneAt[] | undefined): StatusView {
  if (!zones || zones.length === 0) {
    return { text: '$(shield) no zone', tooltip: 'Pavedroad: no risk zone at the cursor.' };
  }
  const sorted = sortZones(zones);
  const primary = sorted[0];
  const ai = aiLevel(primary) ?? 'allow';
  const more = sorted.length > 1 ? ` +${sorted.length - 1}` : '';
  const text = `${ICON[ai] ?? '$(shield)'} ${primary.id}: AI ${ai}${more}`;
  const parts: string[] = [];
  for (const z of sorted) {
    const head = z.title ? `**${escapeMarkdown(z.title)}** (\`${z.id}\`)` : `**\`${z.id}\`**`;
    const levels = [`AI: ${z.ai ?? '?'}`, `prompt context: ${z.context ?? '?'}`];
    if (z.level && z.level !== z.ai) levels.push(`level: ${z.level}`);
    const lines = [head, levels.join(' · ')];
    if (z.why) lines.push(escapeMarkdown(z.why));
    if (z.reviewers && z.reviewers.length > 0) lines.push(`Reviewers: ${z.reviewers.map(escapeMarkdown).join(', ')}`);
    parts.push(lines.join('  \n'));
  }
  parts.push('_Click to open the zone definition._');
  const background = ai === 'deny' ? 'error' : ai === 'review' || ai === 'warn' ? 'warning' : undefined;
  return { text, tooltip: parts.join('\n\n---\n\n'), background, primary };
}

/** The response of `pavedroad/checkPrompt`. */
export interface PromptFinding {
  kind: string;
  rule: string;
  message: string;
  start: number;
  end: number;
}

export interface PromptResult {
  verdict: 'allow' | 'warn' | 'block' | string;
  findings: PromptFinding[];
  redacted: string;
}

export function summarizePrompt(result: PromptResult): string {
  const n = result.findings.length;
  if (n === 0) return `Prompt check: ${result.verdict}, no findings.`;
  const byKind = new Map<string, number>();
  for (const f of result.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  const kinds = [...byKind.entries()].map(([k, c]) => (c > 1 ? `${k} ×${c}` : k)).join(', ');
  const verb = result.verdict === 'block' ? 'do not send this prompt' : result.verdict === 'warn' ? 'check before sending' : 'ok';
  return `Prompt check: ${result.verdict} (${verb}): ${n} finding${n === 1 ? '' : 's'}: ${kinds}.`;
}

export function promptDetails(result: PromptResult): string[] {
  return result.findings.map((f) => `[${f.kind}/${f.rule}] ${f.message} (characters ${f.start}-${f.end})`);
}

/** One line of the zone map quick pick. */
export interface ZoneMapEntry {
  file: string; // path or URI as the server gave it
  zone: string;
  level?: string;
  /** 0-based line where the region starts (for opening the file there), if known. */
  line?: number;
  label: string;
  detail?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** First line of a region in whatever shape the server used; returns 0-based. */
function regionLine(r: Record<string, unknown>): number | undefined {
  const range = obj(r.range);
  const start = obj(range?.start);
  if (start && num(start.line) !== undefined) return num(start.line); // LSP range: 0-based
  const one = num(r.start_line) ?? num(r.startLine) ?? num(r.line) ?? (Array.isArray(r.lines) ? num(r.lines[0]) : undefined);
  if (one !== undefined) return Math.max(0, one - 1); // CLI line numbers: 1-based
  const s = r.start;
  if (typeof s === 'number') return Math.max(0, s - 1);
  if (Array.isArray(s) && typeof s[0] === 'number') return Math.max(0, s[0] - 1);
  return undefined;
}

function regionText(r: Record<string, unknown>): string | undefined {
  const range = obj(r.range);
  const s = obj(range?.start);
  const e = obj(range?.end);
  if (s && e) return `lines ${(num(s.line) ?? 0) + 1}-${(num(e.line) ?? 0) + 1}`;
  const a = num(r.start_line) ?? num(r.startLine) ?? (Array.isArray(r.lines) ? num(r.lines[0]) : undefined) ?? num(r.start);
  const b = num(r.end_line) ?? num(r.endLine) ?? (Array.isArray(r.lines) ? num(r.lines[1]) : undefined) ?? num(r.end);
  if (a !== undefined && b !== undefined) return `lines ${a}-${b}`;
  if (r.scope === 'file' || r.whole_file === true || r.wholeFile === true) return 'whole file';
  return undefined;
}

/**
 * Flattens the `{files: [...]}` result of `pavedroad.showZoneMap` (= `pavedroad zones --format json`)
 * into quick-pick entries: one per region (`{path, zones: [id], regions: [{zone, start_line,
 * end_line, symbol}]}`), or one per zone when a file lists no regions. Tolerant of other shapes
 * (`uri`/`file` instead of `path`, zone objects with their own `regions`, LSP ranges).
 */
export function flattenZoneMap(result: unknown): ZoneMapEntry[] {
  const root = obj(result);
  const files = Array.isArray(root?.files) ? root!.files : Array.isArray(result) ? (result as unknown[]) : [];
  const out: ZoneMapEntry[] = [];
  for (const f of files) {
    const fo = obj(f);
    if (!fo) continue;
    const file = str(fo.path) ?? str(fo.uri) ?? str(fo.file) ?? '?';
    const push = (zone: string, level: string | undefined, region: Record<string, unknown> | undefined) => {
      let where = region ? regionText(region) : undefined;
      const symbol = region ? str(region.symbol) : undefined;
      if (symbol) where = where ? `${where} (${symbol})` : symbol;
      out.push({
        file,
        zone,
        level,
        line: region ? regionLine(region) : undefined,
        label: `${zone}${level ? ` (${level})` : ''}`,
        detail: where ? `${file}: ${where}` : file,
      });
    };
    const hasRegions = Array.isArray(fo.regions) && fo.regions.length > 0;
    if (Array.isArray(fo.zones) && !hasRegions) {
      for (const z of fo.zones) {
        const zo = obj(z);
        const id = typeof z === 'string' ? z : str(zo?.id) ?? str(zo?.zone);
        if (!id) continue;
        const level = str(zo?.ai) ?? str(zo?.level);
        const regions = Array.isArray(zo?.regions) ? (zo!.regions as unknown[]) : [];
        if (regions.length === 0) push(id, level, zo);
        for (const r of regions) push(id, level, obj(r));
      }
    }
    if (hasRegions) {
      for (const r of fo.regions as unknown[]) {
        const ro = obj(r);
        if (!ro) continue;
        const zones = Array.isArray(ro.zones) ? ro.zones.map((x) => (typeof x === 'string' ? x : str(obj(x)?.id))) : [str(ro.zone) ?? str(ro.id)];
        for (const z of zones) if (z) push(z, str(ro.ai) ?? str(ro.level), ro);
      }
    }
  }
  return out;
}
