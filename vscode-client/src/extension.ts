// Pavedroad VS Code extension: starts the pavedroad language server over stdio and tells it which
// code an AI assistant wrote (accepted inline suggestions, "Mark selection as AI-written") and which
// insertions were pastes. Shows the zone at the cursor in the status bar, and which AI tools'
// generated controls (`pavedroad sync`) are current.

import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DocumentDiagnosticRequest,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { type ContentChange, insertedRanges, isPaste, isPasteCandidate, type Rng } from './changes';
import {
  attentionKey,
  attentionMessage,
  COVERAGE_WATCH_GLOB,
  coverageItems,
  formatCoverage,
  parseCoverage,
  syncSummary,
  type ToolCoverage,
} from './coverage';
import { describe, notFoundMessage, resolveServerCommand, type ServerCommand } from './serverCommand';
import {
  flattenZoneMap,
  formatStatus,
  promptDetails,
  sortZones,
  type PromptResult,
  summarizePrompt,
  type ZoneAt,
} from './status';

const SECTION = 'pavedroad';
const AI_EDIT = 'pavedroad/aiEdit';
const EDIT_ORIGIN = 'pavedroad/editOrigin';
const ZONES_AT = 'pavedroad/zonesAt';
const CHECK_PROMPT = 'pavedroad/checkPrompt';
const TOOL_COVERAGE = 'pavedroad/toolCoverage';
/** The server's workspace command that runs `pavedroad sync` (the client's own ids differ). */
const SERVER_SYNC = 'pavedroad.sync';

const LANGUAGES = [
  'python',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'go',
  'java',
  'terraform',
  'hcl',
];

const DOCUMENT_SELECTOR = [
  ...LANGUAGES.map((language) => ({ scheme: 'file', language })),
  { scheme: 'file', pattern: '**/.pavedroad.yaml' },
  { scheme: 'file', pattern: '**/.pavedroad/*.yaml' },
  { scheme: 'file', pattern: '**/*.prompt.md' },
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionUri: vscode.Uri;
let tracker: ChangeTracker;
let status: StatusController;
let toolCoverage: CoverageController;

// ------------------------------------------------------------------ settings

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

function expandPath(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** The settings the server reads: `initializationOptions` and the `pavedroad` configuration section. */
function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const central = (c.get<string[]>('centralZones') ?? []).filter((s) => typeof s === 'string' && s.trim() !== '');
  return {
    centralZones: central.map((s) => (s.includes('://') ? s : expandPath(s))),
    debounceMs: c.get<number>('debounceMs', 200),
  };
}

// ------------------------------------------------------------------ server command

function which(name: string): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const d of dirs) {
    for (const e of exts) {
      const p = path.join(d, name + e);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        if (fs.statSync(p).isFile()) return Promise.resolve(p);
      } catch {
        // not here
      }
    }
  }
  return Promise.resolve(undefined);
}

function canImport(python: readonly string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const [cmd, ...pre] = python;
    cp.execFile(
      cmd,
      [...pre, '-c', 'import importlib.util,sys; sys.exit(0 if importlib.util.find_spec("pavedroad") else 3)'],
      { timeout: 15000, windowsHide: true },
      (err) => resolve(!err),
    );
  });
}

/** The execution command of the interpreter selected in the Python extension, if it is installed. */
async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return undefined;
  try {
    const api: any = ext.isActive
      ? ext.exports
      : await Promise.race([ext.activate(), new Promise((r) => setTimeout(() => r(undefined), 5000))]);
    if (!api) return undefined;
    const envs = api.environments;
    if (envs?.getActiveEnvironmentPath) {
      const active = envs.getActiveEnvironmentPath(resource);
      const resolved = active && envs.resolveEnvironment ? await envs.resolveEnvironment(active) : undefined;
      const exe: string | undefined = resolved?.executable?.uri?.fsPath ?? active?.path;
      if (exe) return [exe];
    }
    const details = api.settings?.getExecutionDetails?.(resource);
    if (Array.isArray(details?.execCommand) && details.execCommand.length > 0) return details.execCommand;
  } catch (e) {
    output.appendLine(`Python extension API: ${String(e)}`);
  }
  return undefined;
}

async function findServer(): Promise<ServerCommand | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const setting = config().get<string[]>('server.command') ?? [];
  const result = await resolveServerCommand(
    {
      setting,
      pythonInterpreter: setting.length > 0 ? undefined : await pythonExtensionInterpreter(folder?.uri),
      platform: process.platform,
      workspaceFolder: folder?.uri.fsPath,
      home: os.homedir(),
      env: process.env,
    },
    { which, canImport },
  );
  if (result.ok) return result.server;
  output.appendLine(notFoundMessage(result.tried));
  void showNotInstalled(notFoundMessage(result.tried));
  return undefined;
}

async function showNotInstalled(message: string): Promise<void> {
  const pick = await vscode.window.showErrorMessage(message, 'How to install', 'Open Settings', 'Show Output');
  if (pick === 'How to install') {
    // vsce stores the README as readme.md
    const name = ['README.md', 'readme.md'].find((n) => fs.existsSync(path.join(extensionUri.fsPath, n))) ?? 'README.md';
    const readme = vscode.Uri.joinPath(extensionUri, name);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', readme);
    } catch {
      await vscode.window.showTextDocument(readme);
    }
  } else if (pick === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'pavedroad.server.command');
  } else if (pick === 'Show Output') {
    output.show();
  }
}

// ------------------------------------------------------------------ provenance: what an AI wrote, what was pasted

interface Pending {
  uri: string;
  tool: string;
  before: string; // document text before the command
  beforeVersion: number;
  seen: boolean;
  closeTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Watches document changes as they are sent to the server (client middleware, so our notifications
 * always follow the didChange they refer to) and reports AI insertions and pastes.
 */
class ChangeTracker {
  private pending: Pending | undefined;

  /** Attribute the changes made to `doc` while `run` executes (and shortly after) to an AI tool. */
  async attribute(doc: vscode.TextDocument, tool: string, run: () => Thenable<unknown>): Promise<void> {
    this.close();
    const p: Pending = { uri: doc.uri.toString(), tool, before: doc.getText(), beforeVersion: doc.version, seen: false };
    this.pending = p;
    try {
      await run();
    } finally {
      // the change event can arrive after the command resolves: keep listening briefly
      p.closeTimer = setTimeout(() => this.close(p), p.seen ? 150 : 1000);
    }
  }

  private close(p?: Pending): void {
    if (!this.pending || (p && this.pending !== p)) return;
    if (this.pending.closeTimer) clearTimeout(this.pending.closeTimer);
    this.pending = undefined;
  }

  /** Called after the didChange notification for `event` was sent. */
  async afterChange(event: vscode.TextDocumentChangeEvent, version: number): Promise<void> {
    const c = client;
    if (!c || event.contentChanges.length === 0) return;
    const uri = event.document.uri.toString();
    const changes = event.contentChanges as readonly ContentChange[];
    const p = this.pending;
    if (p && p.uri === uri) {
      const first = !p.seen && version === p.beforeVersion + 1;
      p.seen = true;
      if (p.closeTimer) {
        clearTimeout(p.closeTimer);
        p.closeTimer = setTimeout(() => this.close(p), 150);
      }
      for (const range of insertedRanges(changes, first ? p.before : undefined)) {
        await sendAiEdit(c, uri, version, range, p.tool);
      }
      return;
    }
    if (config().get<boolean>('detectPastes', true) && isPasteCandidate(changes)) {
      let clip = '';
      try {
        clip = await vscode.env.clipboard.readText();
      } catch {
        return;
      }
      if (!isPaste(changes.map((ch) => ch.text), clip)) return;
      for (const range of insertedRanges(changes)) {
        output.appendLine(`editOrigin paste ${uri} v${version} ${fmtRange(range)}`);
        await c.sendNotification(EDIT_ORIGIN, { textDocument: { uri, version }, origin: 'paste', range }).catch(logError);
      }
      repullDiagnostics();
    }
  }
}

async function sendAiEdit(c: LanguageClient, uri: string, version: number, range: Rng, tool: string): Promise<void> {
  output.appendLine(`aiEdit ${uri} v${version} ${fmtRange(range)} (${tool})`);
  await c.sendNotification(AI_EDIT, { textDocument: { uri, version }, range, tool }).catch(logError);
  repullDiagnostics();
}

const forceFullPull = new Set<string>();

/**
 * With pull diagnostics, VS Code asks again only when a document changes or the server sends
 * workspace/diagnostic/refresh. Our notifications and the server's commands (sign-off) change the
 * diagnostics without an edit, so ask again ourselves (the request follows the notification on the
 * same connection, so the server has handled it).
 */
function repullDiagnostics(): void {
  // ask for full results: the server's result ids may only track document versions
  for (const doc of vscode.workspace.textDocuments) forceFullPull.add(doc.uri.toString());
  const feature = client?.getFeature(DocumentDiagnosticRequest.method);
  if (!feature) return;
  const providers = new Set<unknown>();
  for (const doc of vscode.workspace.textDocuments) {
    const provider = feature.getProvider(doc);
    if (provider && !providers.has(provider)) {
      providers.add(provider);
      provider.onDidChangeDiagnosticsEmitter.fire();
    }
  }
}

function fmtRange(r: Rng): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

function logError(e: unknown): void {
  output.appendLine(`error: ${e instanceof Error ? e.message : String(e)}`);
}

// ------------------------------------------------------------------ status bar: the zone at the cursor

class StatusController implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('pavedroad.zone', vscode.StatusBarAlignment.Left, 50);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private retries = 0;
  zones: ZoneAt[] = [];

  constructor() {
    this.item.name = 'Pavedroad zone';
    this.item.command = 'pavedroad.openZoneDefinitionAtCursor';
  }

  schedule(delay = 250): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  async refresh(): Promise<void> {
    const seq = ++this.seq;
    const editor = vscode.window.activeTextEditor;
    const c = client;
    if (
      !config().get<boolean>('statusBar.enabled', true) ||
      !editor ||
      !c ||
      c.state !== State.Running ||
      vscode.languages.match(DOCUMENT_SELECTOR, editor.document) === 0
    ) {
      this.item.hide();
      return;
    }
    let zones: ZoneAt[] = [];
    try {
      const res = await c.sendRequest<{ zones?: ZoneAt[] } | null>(ZONES_AT, {
        textDocument: { uri: editor.document.uri.toString() },
        position: { line: editor.selection.active.line, character: editor.selection.active.character },
      });
      zones = Array.isArray(res?.zones) ? res!.zones : [];
    } catch (e) {
      if (seq !== this.seq) return;
      this.item.hide();
      output.appendLine(`zonesAt: ${e instanceof Error ? e.message : String(e)}`);
      // e.g. the request raced the document's didOpen right after start: try again a few times
      if (this.retries < 3) {
        this.retries++;
        this.schedule(1000);
      }
      return;
    }
    if (seq !== this.seq) return; // a newer request is under way
    this.retries = 0;
    this.zones = zones;
    const view = formatStatus(zones);
    this.item.text = view.text;
    const md = new vscode.MarkdownString(view.tooltip);
    md.isTrusted = false;
    this.item.tooltip = md;
    this.item.backgroundColor =
      view.background === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.background === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: `Pavedroad zone: ${view.text.replace(/\$\([^)]*\)\s*/g, '')}` };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}

// ------------------------------------------------------------------ AI tool coverage (pavedroad sync)

/** The workspace folder coverage and sync are about: the active file's, else the first. */
function coverageFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

/**
 * Status bar item "AI tools": which AI tools' generated controls are current (request
 * `pavedroad/toolCoverage`). A tool whose controls went stale, or that is used here without any, is
 * a warning with a "Sync" action (server command `pavedroad.sync`), shown once per state.
 */
class CoverageController implements vscode.Disposable {
  private item = vscode.window.createStatusBarItem('pavedroad.aiTools', vscode.StatusBarAlignment.Left, 49);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private warnedKey = '';
  private unsupported = false;
  tools: ToolCoverage[] = [];

  constructor() {
    this.item.name = 'Pavedroad AI tool coverage';
    this.item.command = 'pavedroad.showAiToolCoverage';
  }

  schedule(delay = 500): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  async refresh(): Promise<ToolCoverage[] | undefined> {
    const seq = ++this.seq;
    const c = client;
    const folder = coverageFolder();
    if (!c || c.state !== State.Running || !folder || this.unsupported) {
      this.item.hide();
      return undefined;
    }
    let result: unknown;
    try {
      result = await c.sendRequest(TOOL_COVERAGE, { uri: folder.uri.toString() });
    } catch (e) {
      if (seq !== this.seq) return undefined;
      this.item.hide();
      const code = (e as { code?: number }).code;
      if (code === -32601) this.unsupported = true; // an older server without the request
      output.appendLine(`toolCoverage: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (seq !== this.seq) return undefined;
    this.tools = parseCoverage(result);
    const view = formatCoverage(this.tools);
    if (!view.show) {
      this.item.hide();
    } else {
      this.item.text = view.text;
      const md = new vscode.MarkdownString(view.tooltip, true);
      md.isTrusted = false;
      this.item.tooltip = md;
      this.item.backgroundColor = view.background ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.accessibilityInformation = { label: `Pavedroad: ${view.text.replace(/\$\([^)]*\)\s*/g, '')}` };
      this.item.show();
    }
    const key = attentionKey(this.tools);
    const message = attentionMessage(this.tools);
    if (message && key !== this.warnedKey) {
      this.warnedKey = key;
      void vscode.window.showWarningMessage(message, 'Sync', 'Show details').then((pick) => {
        if (pick === 'Sync') void syncAiToolControls();
        else if (pick === 'Show details') void showAiToolCoverage();
      });
    } else if (!message) {
      this.warnedKey = '';
    }
    return this.tools;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.item.dispose();
  }
}

async function syncAiToolControls(): Promise<void> {
  const c = client;
  const folder = coverageFolder();
  if (!c || !folder) {
    void vscode.window.showWarningMessage('Pavedroad: the language server is not running.');
    return;
  }
  let result: unknown;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Pavedroad: syncing AI tool controls' },
      () => c.sendRequest(ExecuteCommandRequest.type, { command: SERVER_SYNC, arguments: [folder.uri.toString()] }),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Pavedroad: sync failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const summary = syncSummary(result);
  output.appendLine(summary);
  void vscode.window.showInformationMessage(summary);
  await toolCoverage.refresh();
}

async function showAiToolCoverage(): Promise<void> {
  const tools = (await toolCoverage.refresh()) ?? toolCoverage.tools;
  if (!client) {
    void vscode.window.showWarningMessage('Pavedroad: the language server is not running.');
    return;
  }
  type Item = vscode.QuickPickItem & { tool?: ToolCoverage; action?: 'sync' | 'details' };
  const attention = formatCoverage(tools).attention.length;
  const items: Item[] = [
    {
      label: '$(sync) Sync AI tool controls',
      description: attention > 0 ? `${attention} tool${attention === 1 ? '' : 's'} need${attention === 1 ? 's' : ''} it` : 'all current',
      action: 'sync',
    },
    { label: '$(output) Show what each tool does not enforce', action: 'details' },
    ...coverageItems(tools).map((i) => ({ label: i.label, description: i.description, detail: i.detail, tool: i.tool })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Pavedroad: AI tool coverage',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  if (pick.action === 'sync') {
    await syncAiToolControls();
    return;
  }
  if (pick.action === 'details') {
    output.appendLine('AI tool coverage (pavedroad sync --explain has the full report):');
    for (const t of tools) {
      output.appendLine(`  ${t.name}: ${t.status}${t.detected ? ' (used here)' : ''}; files: ${t.files.join(', ')}`);
      for (const e of t.enforced) output.appendLine(`    enforced: ${e}`);
      for (const n of t.notEnforced) output.appendLine(`    not enforced: ${n}`);
    }
    output.show(true);
    return;
  }
  const folder = coverageFolder();
  const file = pick.tool?.fileStatus.find((f) => f.status !== 'missing' && !f.path.includes(' '));
  if (folder && file) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, file.path));
}

// ------------------------------------------------------------------ client lifecycle

async function startClient(): Promise<void> {
  const server = await findServer();
  if (!server) return;
  output.appendLine(`Starting the server (${server.source}): ${describe([server.command, ...server.args])}`);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    // no `transport`: TransportKind.stdio would append `--stdio` to the command line
    options: { cwd: folder?.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  };
  const middleware: Middleware = {
    provideDiagnostics: (document, previousResultId, token, next) => {
      const uri = document instanceof vscode.Uri ? document.toString() : document.uri.toString();
      const full = forceFullPull.delete(uri);
      return next(document, full ? undefined : previousResultId, token);
    },
    executeCommand: async (command, args, next) => {
      const result = await next(command, args);
      repullDiagnostics(); // e.g. pavedroad.signOff wrote a review record
      status.schedule(100);
      return result;
    },
    didChange: async (event, next) => {
      const version = event.document.version;
      await next(event);
      await tracker.afterChange(event, version).catch(logError);
    },
    workspace: {
      configuration: async (params, token, next) => {
        const result = await next(params, token);
        if (!Array.isArray(result)) return result;
        return result.map((value, i) => {
          const item = params.items[i];
          if (item?.section !== SECTION || value === null || typeof value !== 'object') return value;
          const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
          return { ...(value as object), ...serverSettings(scope) };
        });
      },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    initializationOptions: serverSettings(folder?.uri),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{.pavedroad.yaml,.pavedroad/*.yaml}'),
    },
    middleware,
  };
  const c = new LanguageClient('pavedroad', 'Pavedroad', serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
  } catch (e) {
    client = undefined;
    const msg = e instanceof Error ? e.message : String(e);
    output.appendLine(`The server failed to start: ${msg}`);
    void showNotInstalled(
      `Pavedroad: the language server \`${describe([server.command, ...server.args])}\` failed to start (${msg}).` +
        ' Check that the `pavedroad` Python package is installed there, or set `pavedroad.server.command`.',
    );
    return;
  }
  await vscode.commands.executeCommand('setContext', 'pavedroad.active', true);
  status.schedule(0);
  toolCoverage.schedule(1000);
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  await vscode.commands.executeCommand('setContext', 'pavedroad.active', false);
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      logError(e);
    }
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

// ------------------------------------------------------------------ commands

function activeEditor(): vscode.TextEditor | undefined {
  const e = vscode.window.activeTextEditor;
  if (!e) void vscode.window.showInformationMessage('Pavedroad: open a file first.');
  return e;
}

async function markSelectionAsAI(): Promise<void> {
  const editor = activeEditor();
  const c = client;
  if (!editor) return;
  if (!c) {
    void vscode.window.showWarningMessage('Pavedroad: the language server is not running.');
    return;
  }
  const sels = editor.selections.filter((s) => !s.isEmpty);
  if (sels.length === 0) {
    void vscode.window.showInformationMessage('Pavedroad: select the AI-written code first.');
    return;
  }
  const doc = editor.document;
  for (const s of sels) {
    await sendAiEdit(c, doc.uri.toString(), doc.version, toRng(s), 'manual');
  }
  const lines = sels.reduce((n, s) => n + (s.end.line - s.start.line + 1), 0);
  vscode.window.setStatusBarMessage(`Pavedroad: marked ${lines} line${lines === 1 ? '' : 's'} as AI-written`, 4000);
  status.schedule(300);
}

function toRng(r: vscode.Range): Rng {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

async function acceptInline(command: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !client || vscode.languages.match(DOCUMENT_SELECTOR, editor.document) === 0) {
    await vscode.commands.executeCommand(command);
    return;
  }
  await tracker.attribute(editor.document, 'inline-suggestion', () => vscode.commands.executeCommand(command));
}

async function checkPrompt(text: string, references: string[]): Promise<void> {
  const c = client;
  if (!c) {
    void vscode.window.showWarningMessage('Pavedroad: the language server is not running.');
    return;
  }
  if (text.trim() === '') {
    void vscode.window.showInformationMessage('Pavedroad: nothing to check (the text is empty).');
    return;
  }
  let result: PromptResult;
  try {
    result = await c.sendRequest<PromptResult>(CHECK_PROMPT, references.length > 0 ? { text, references } : { text });
  } catch (e) {
    void vscode.window.showErrorMessage(`Pavedroad: prompt check failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const summary = summarizePrompt(result);
  if (result.findings.length === 0) {
    void vscode.window.showInformationMessage(summary);
    return;
  }
  const show = result.verdict === 'block' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const pick = await show(summary, 'Copy redacted text', 'Show details');
  if (pick === 'Copy redacted text') {
    await vscode.env.clipboard.writeText(result.redacted);
    vscode.window.setStatusBarMessage('Pavedroad: redacted prompt copied to the clipboard', 4000);
  } else if (pick === 'Show details') {
    output.appendLine(summary);
    for (const line of promptDetails(result)) output.appendLine(`  ${line}`);
    output.show(true);
  }
}

async function checkPromptSelection(): Promise<void> {
  const editor = activeEditor();
  if (!editor) return;
  const sels = editor.selections.filter((s) => !s.isEmpty);
  const text = sels.length > 0 ? sels.map((s) => editor.document.getText(s)).join('\n') : editor.document.getText();
  await checkPrompt(text, editor.document.uri.scheme === 'file' ? [editor.document.uri.toString()] : []);
}

async function checkPromptClipboard(): Promise<void> {
  await checkPrompt(await vscode.env.clipboard.readText(), []);
}

async function showZoneMap(): Promise<void> {
  const c = client;
  if (!c) {
    void vscode.window.showWarningMessage('Pavedroad: the language server is not running.');
    return;
  }
  // the root to map: the workspace folder of the active file, else the first one
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  let result: unknown;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Pavedroad: computing the zone map' },
      () =>
        c.sendRequest(ExecuteCommandRequest.type, {
          command: 'pavedroad.showZoneMap',
          arguments: folder ? [folder.uri.toString()] : [],
        }),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`Pavedroad: zone map failed: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const entries = flattenZoneMap(result);
  type Item = vscode.QuickPickItem & { entry?: (typeof entries)[number]; json?: true };
  const items: Item[] = [
    { label: '$(json) Open the whole zone map as JSON', json: true },
    ...entries.map((e) => ({ label: e.label, description: e.file, detail: e.detail, entry: e })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Pavedroad zone map: ${entries.length} region${entries.length === 1 ? '' : 's'}`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  if (pick.json) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(result, null, 2) });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const e = pick.entry!;
  const uri = /^[a-z][a-z0-9+.-]*:/i.test(e.file) && !/^[a-z]:[\\/]/i.test(e.file)
    ? vscode.Uri.parse(e.file)
    : path.isAbsolute(e.file) || !folder
      ? vscode.Uri.file(e.file)
      : vscode.Uri.joinPath(folder.uri, e.file);
  const pos = new vscode.Position(e.line ?? 0, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos) });
}

function rangeOf(r: Rng | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

async function openZoneDefinition(): Promise<void> {
  await status.refresh();
  const zones = status.zones;
  if (zones.length === 0) {
    void vscode.window.showInformationMessage('Pavedroad: no risk zone at the cursor.');
    return;
  }
  const sorted = sortZones(zones);
  let zone = sorted[0];
  if (sorted.length > 1) {
    const pick = await vscode.window.showQuickPick(
      sorted.map((z) => ({ label: z.title ? `${z.title} (${z.id})` : z.id, description: `AI: ${z.ai ?? '?'}`, detail: z.why, z })),
      { title: 'Pavedroad: open which zone definition?' },
    );
    if (!pick) return;
    zone = pick.z;
  }
  if (zone.definedAt?.uri) {
    const r = rangeOf(zone.definedAt.range);
    await vscode.window.showTextDocument(vscode.Uri.parse(zone.definedAt.uri), { selection: new vscode.Range(r.start, r.start) });
    return;
  }
  void vscode.window.showInformationMessage(
    `Pavedroad: zone "${zone.id}" comes from a preset or central map the server did not locate.${zone.why ? ` Why: ${zone.why}` : ''}`,
  );
}

async function signOffAtCursor(): Promise<void> {
  const editor = activeEditor();
  if (!editor) return;
  const doc = editor.document;
  const pos = editor.selection.active;
  const diags = vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.source === 'pavedroad' && (d.range.contains(pos) || d.range.start.line === pos.line));
  const ranges = diags.length > 0 ? diags.map((d) => d.range) : [editor.selection];
  const actions: (vscode.CodeAction | vscode.Command)[] = [];
  for (const r of ranges) {
    const found = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      r,
    );
    for (const a of found ?? []) {
      if (a.title.startsWith('Sign off') && !actions.some((b) => b.title === a.title)) actions.push(a);
    }
  }
  if (actions.length === 0) {
    void vscode.window.showInformationMessage('Pavedroad: no AI-written code waiting for a sign-off at the cursor.');
    return;
  }
  let action = actions[0];
  if (actions.length > 1) {
    const pick = await vscode.window.showQuickPick(actions.map((a) => ({ label: a.title, a })), {
      title: 'Pavedroad: sign off which?',
    });
    if (!pick) return;
    action = pick.a;
  }
  if ('edit' in action && action.edit) await vscode.workspace.applyEdit(action.edit);
  const cmd: vscode.Command | undefined =
    'command' in action && typeof action.command === 'string'
      ? (action as vscode.Command)
      : (action as vscode.CodeAction).command;
  if (cmd) await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
  status.schedule(300);
}

// ------------------------------------------------------------------ activation

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionUri = context.extensionUri;
  output = vscode.window.createOutputChannel('Pavedroad');
  tracker = new ChangeTracker();
  status = new StatusController();
  toolCoverage = new CoverageController();
  context.subscriptions.push(output, status, toolCoverage);

  const setAttributionContext = () =>
    vscode.commands.executeCommand(
      'setContext',
      'pavedroad.attributeInlineSuggestions',
      config().get<boolean>('attributeInlineSuggestions', true),
    );
  await setAttributionContext();

  // Command ids must differ from the server's workspace commands (pavedroad.signOff,
  // pavedroad.requestException, pavedroad.showZoneMap, pavedroad.openZoneDefinition): the language
  // client registers those itself, and a clash makes the client fail to start.
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('pavedroad.markSelectionAsAI', markSelectionAsAI);
  reg('pavedroad.acceptInlineSuggestion', () => acceptInline('editor.action.inlineSuggest.commit'));
  reg('pavedroad.acceptInlineSuggestionWord', () => acceptInline('editor.action.inlineSuggest.acceptNextWord'));
  reg('pavedroad.checkPromptSelection', checkPromptSelection);
  reg('pavedroad.checkPromptClipboard', checkPromptClipboard);
  reg('pavedroad.showWorkspaceZoneMap', showZoneMap);
  reg('pavedroad.signOffAtCursor', signOffAtCursor);
  reg('pavedroad.openZoneDefinitionAtCursor', openZoneDefinition);
  reg('pavedroad.restartServer', restartClient);
  reg('pavedroad.showOutput', () => output.show());
  reg('pavedroad.showAiToolCoverage', showAiToolCoverage);
  reg('pavedroad.syncAiToolControls', syncAiToolControls);

  const coverageWatcher = vscode.workspace.createFileSystemWatcher(`**/${COVERAGE_WATCH_GLOB}`);
  const onCoverageFile = () => toolCoverage.schedule(750);
  context.subscriptions.push(
    coverageWatcher,
    coverageWatcher.onDidChange(onCoverageFile),
    coverageWatcher.onDidCreate(onCoverageFile),
    coverageWatcher.onDidDelete(onCoverageFile),
  );

  context.subscriptions.push(
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) status.schedule();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => status.schedule(50)),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) status.schedule();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration('pavedroad.attributeInlineSuggestions')) await setAttributionContext();
      if (e.affectsConfiguration('pavedroad.server.command')) {
        await restartClient();
        return;
      }
      if (e.affectsConfiguration('pavedroad.statusBar.enabled')) status.schedule(0);
      const c = client;
      if (c && c.state === State.Running && (e.affectsConfiguration('pavedroad.centralZones') || e.affectsConfiguration('pavedroad.debounceMs'))) {
        // applies without a reload: the server re-reads its settings
        await c
          .sendNotification('workspace/didChangeConfiguration', { settings: { [SECTION]: serverSettings() } })
          .catch(logError);
      }
    }),
    { dispose: () => void stopClient() },
  );

  void startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
