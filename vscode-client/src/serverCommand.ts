// Pure resolution of the command that starts the language server (no `vscode` import).
//
// Order, as users expect from Python tools in VS Code:
//   1. the `pavedroad.server.command` setting (used as given, not probed: it is an explicit choice)
//   2. the interpreter selected in the Python extension, when `pavedroad` is importable there
//   3. `pavedroad` on PATH
//   4. `python3 -m pavedroad lsp` (`python` on Windows), when `pavedroad` is importable there

export type ServerSource = 'setting' | 'python-extension' | 'path' | 'python';

export interface ServerCommand {
  command: string;
  args: string[];
  source: ServerSource;
}

export interface ResolveInputs {
  /** `pavedroad.server.command` (empty array or undefined when unset). */
  setting?: readonly string[];
  /** The Python extension's execution command for the workspace, e.g. ["/repo/.venv/bin/python"]. */
  pythonInterpreter?: readonly string[];
  platform?: string;
  /** Values for `${workspaceFolder}`, `~` and `${env:NAME}` in the setting. */
  workspaceFolder?: string;
  home?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ResolveDeps {
  /** Absolute path of an executable on PATH, or undefined. */
  which(name: string): Promise<string | undefined>;
  /** Whether `<python...> -c "import pavedroad"` works. */
  canImport(python: readonly string[]): Promise<boolean>;
}

export type ResolveResult =
  | { ok: true; server: ServerCommand; tried: string[] }
  | { ok: false; tried: string[] };

export function expandVariables(
  value: string,
  vars: { workspaceFolder?: string; home?: string; env?: Readonly<Record<string, string | undefined>> },
): string {
  let out = value;
  if (vars.home !== undefined) {
    if (out === '~') out = vars.home;
    else if (out.startsWith('~/') || out.startsWith('~\\')) out = vars.home + out.slice(1);
    out = out.replace(/\$\{userHome\}/g, vars.home);
  }
  if (vars.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, vars.workspaceFolder);
  }
  out = out.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => vars.env?.[name] ?? '');
  return out;
}

export function describe(cmd: readonly string[]): string {
  return cmd.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

export async function resolveServerCommand(inputs: ResolveInputs, deps: ResolveDeps): Promise<ResolveResult> {
  const tried: string[] = [];
  const setting = (inputs.setting ?? []).filter((a) => typeof a === 'string');
  if (setting.length > 0 && setting[0].trim() !== '') {
    const [command, ...args] = setting.map((a) => expandVariables(a, inputs));
    return { ok: true, server: { command, args, source: 'setting' }, tried };
  }

  const lspArgs = ['-m', 'pavedroad', 'lsp'];
  const py = (inputs.pythonInterpreter ?? []).filter((a) => a.length > 0);
  if (py.length > 0) {
    tried.push(`${describe(py)} -m pavedroad lsp (Python extension interpreter)`);
    if (await deps.canImport(py)) {
      return { ok: true, server: { command: py[0], args: [...py.slice(1), ...lspArgs], source: 'python-extension' }, tried };
    }
  }

  const windows = inputs.platform === 'win32';
  tried.push('pavedroad lsp (on PATH)');
  const onPath = (await deps.which('pavedroad')) ?? (windows ? await deps.which('pavedroad.exe') : undefined);
  if (onPath) {
    return { ok: true, server: { command: onPath, args: ['lsp'], source: 'path' }, tried };
  }

  for (const name of windows ? ['python', 'py'] : ['python3', 'python']) {
    const exe = await deps.which(name);
    if (!exe) continue;
    const cmd = name === 'py' ? [exe, '-3'] : [exe];
    tried.push(`${describe(cmd)} -m pavedroad lsp`);
    if (await deps.canImport(cmd)) {
      return { ok: true, server: { command: cmd[0], args: [...cmd.slice(1), ...lspArgs], source: 'python' }, tried };
    }
  }
  return { ok: false, tried };
}

/** The message shown when no server could be found. */
export function notFoundMessage(tried: readonly string[]): string {
  const list = tried.length > 0 ? ` Tried: ${tried.join('; ')}.` : '';
  return (
    'Pavedroad: the language server is not installed.' +
    list +
    ' Install the `pavedroad` Python package into the interpreter selected for this workspace' +
    ' (see How to install), or set `pavedroad.server.command`.'
  );
}
