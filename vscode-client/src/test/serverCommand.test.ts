import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandVariables, notFoundMessage, resolveServerCommand, type ResolveDeps } from '../serverCommand';

function deps(onPath: Record<string, string>, importable: string[]): ResolveDeps & { probes: string[][] } {
  const probes: string[][] = [];
  return {
    probes,
    which: async (name) => onPath[name],
    canImport: async (py) => {
      probes.push([...py]);
      return importable.includes(py.join(' '));
    },
  };
}

describe('resolveServerCommand', () => {
  it('uses the setting as given, without probing', async () => {
    const d = deps({ pavedroad: '/usr/bin/pavedroad' }, []);
    const r = await resolveServerCommand({ setting: ['${workspaceFolder}/.venv/bin/pavedroad', 'lsp'], workspaceFolder: '/repo' }, d);
    assert.ok(r.ok);
    assert.deepEqual(r.server, { command: '/repo/.venv/bin/pavedroad', args: ['lsp'], source: 'setting' });
    assert.equal(d.probes.length, 0);
  });

  it('ignores an empty setting', async () => {
    const r = await resolveServerCommand({ setting: [''] }, deps({ pavedroad: '/bin/pavedroad' }, []));
    assert.ok(r.ok && r.server.source === 'path');
  });

  it('prefers the Python extension interpreter when pavedroad is installed there', async () => {
    const d = deps({ pavedroad: '/usr/bin/pavedroad' }, ['/repo/.venv/bin/python']);
    const r = await resolveServerCommand({ pythonInterpreter: ['/repo/.venv/bin/python'] }, d);
    assert.ok(r.ok);
    assert.deepEqual(r.server, { command: '/repo/.venv/bin/python', args: ['-m', 'pavedroad', 'lsp'], source: 'python-extension' });
  });

  it('keeps extra arguments of the interpreter command (conda run ...)', async () => {
    const py = ['conda', 'run', '-n', 'x', 'python'];
    const r = await resolveServerCommand({ pythonInterpreter: py }, deps({}, [py.join(' ')]));
    assert.ok(r.ok);
    assert.deepEqual(r.server.args, ['run', '-n', 'x', 'python', '-m', 'pavedroad', 'lsp']);
  });

  it('falls back to PATH when the interpreter lacks pavedroad', async () => {
    const r = await resolveServerCommand({ pythonInterpreter: ['/venv/python'] }, deps({ pavedroad: '/usr/local/bin/pavedroad' }, []));
    assert.ok(r.ok);
    assert.deepEqual(r.server, { command: '/usr/local/bin/pavedroad', args: ['lsp'], source: 'path' });
  });

  it('then python3 -m pavedroad lsp', async () => {
    const r = await resolveServerCommand({}, deps({ python3: '/usr/bin/python3' }, ['/usr/bin/python3']));
    assert.ok(r.ok);
    assert.deepEqual(r.server, { command: '/usr/bin/python3', args: ['-m', 'pavedroad', 'lsp'], source: 'python' });
  });

  it('uses py -3 on Windows', async () => {
    const r = await resolveServerCommand({ platform: 'win32' }, deps({ py: 'C:\\py.exe' }, ['C:\\py.exe -3']));
    assert.ok(r.ok);
    assert.deepEqual(r.server, { command: 'C:\\py.exe', args: ['-3', '-m', 'pavedroad', 'lsp'], source: 'python' });
  });

  it('reports everything it tried when nothing works', async () => {
    const r = await resolveServerCommand({ pythonInterpreter: ['/venv/python'] }, deps({ python3: '/usr/bin/python3' }, []));
    assert.ok(!r.ok);
    assert.equal(r.tried.length, 3);
    const msg = notFoundMessage(r.tried);
    assert.match(msg, /not installed/);
    assert.match(msg, /\/venv\/python -m pavedroad lsp/);
    assert.match(msg, /pavedroad\.server\.command/);
  });
});

describe('expandVariables', () => {
  it('expands ~, ${userHome}, ${workspaceFolder} and ${env:X}', () => {
    const v = { home: '/home/u', workspaceFolder: '/w', env: { VENV: '/opt/v' } };
    assert.equal(expandVariables('~/bin/x', v), '/home/u/bin/x');
    assert.equal(expandVariables('${userHome}/x', v), '/home/u/x');
    assert.equal(expandVariables('${workspaceFolder}/.venv', v), '/w/.venv');
    assert.equal(expandVariables('${env:VENV}/bin/python', v), '/opt/v/bin/python');
    assert.equal(expandVariables('${env:NOPE}x', v), 'x');
    assert.equal(expandVariables('a~b', v), 'a~b');
  });
});
