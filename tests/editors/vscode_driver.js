// Drives a real VS Code (code-server, already started by the pytest test) with playwright-core and
// Debian's chromium, through the pavedroad extension installed from the .vsix:
//   1. open src/auth/session.py of the (copied) example workspace; the status bar shows the zone
//   2. type two lines inside new_session(), select them, run "Pavedroad: Mark selection as AI-written"
//   3. the PR102 warning naming the auth zone appears in the Problems panel
//   4. the "Sign off" quick fix (Ctrl+.) clears it
//   5. an inline suggestion (test-only provider) accepted with Tab is attributed to AI: PR102 again
//   6. a paste is reported as a paste (the extension's output channel logs the editOrigin it sent)
//   7. the zone map and the clipboard prompt check commands
// Screenshots of each step go to $OUT. Prints one JSON line per step; exits 1 naming the failed step.
//
// env: URL (code-server base URL), WORKSPACE (absolute path), OUT (artifact dir),
//      PLAYWRIGHT_CORE (path of the playwright-core package), CHROMIUM (default /usr/bin/chromium)

'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

const URL = process.env.URL;
const WORKSPACE = process.env.WORKSPACE;
const OUT = process.env.OUT || '.';
const T0 = Date.now();
let browser;
let page;
let step = 'start';

function log(obj) {
  process.stdout.write(JSON.stringify({ t: (Date.now() - T0) / 1000, ...obj }) + '\n');
}

async function shot(name) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  log({ screenshot: file });
}

async function begin(name) {
  step = name;
  log({ step: name });
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

async function gotoLine(line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10000 });
}

async function problemsText() {
  return (await page.locator('.markers-panel').allInnerTexts()).join('\n');
}

(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: URL });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/vsda|favicon|404/.test(m.text())) log({ console: m.text().slice(0, 300) });
  });

  await begin('open-workbench');
  await page.goto(`${URL}/?folder=${encodeURIComponent(WORKSPACE)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await page.waitForSelector('.part.statusbar', { timeout: 30000 });

  await begin('open-auth-file');
  // Quick Open is more robust than expanding the explorer tree
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  const qi = page.locator('.quick-input-widget input');
  await qi.waitFor({ state: 'visible', timeout: 15000 });
  await qi.fill('src/auth/session.py');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'session.py' }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: 'def new_session' }).waitFor({ timeout: 30000 });
  // the extension activates on python files and starts the server
  await begin('status-bar-zone');
  await gotoLine(10); // inside new_session()
  const status = page.locator('.part.statusbar .statusbar-item', { hasText: /auth: AI review/ }).first();
  await status.waitFor({ timeout: 30000 });
  const statusText = (await status.innerText()).trim();
  log({ status: statusText });
  await shot('01-auth-file-status-bar');

  await begin('type-lines');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('audit_user = user_id', { delay: 5 });
  await page.keyboard.press('Enter');
  await page.keyboard.type('audit_time = issued', { delay: 5 });
  await page.locator('.monaco-editor .view-lines', { hasText: 'audit_time = issued' }).waitFor({ timeout: 10000 });
  // select lines 11-12 (1-based)
  await gotoLine(11);
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
  await shot('02-typed-and-selected');
  // typing alone is not AI-written: no PR102 yet
  await page.waitForTimeout(600);
  if ((await page.locator('.squiggly-warning').count()) > 0) {
    const text = await page.locator('.monaco-editor .view-lines').innerText();
    log({ note: 'a warning squiggle was already present before marking', text: text.slice(0, 200) });
  }

  await begin('mark-selection-as-ai');
  await runCommand('Pavedroad: Mark selection as AI-written');
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 20000 });

  await begin('problems-panel');
  await runCommand('View: Focus Problems');
  await page.locator('.markers-panel').waitFor({ timeout: 15000 });
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'PR102' }).first();
  await row.waitFor({ timeout: 20000 });
  const rowText = (await row.innerText()).replace(/\s+/g, ' ').trim();
  log({ problem: rowText });
  if (!/auth|Authentication/i.test(rowText)) throw new Error(`PR102 row does not name the auth zone: ${rowText}`);
  await shot('03-problems-pr102');

  await begin('quick-fix-sign-off');
  // back to the editor, cursor on the AI-written line, Ctrl+. opens the quick fixes
  await page.locator('.monaco-editor .view-lines', { hasText: 'audit_user' }).first().click();
  await gotoLine(11);
  await page.keyboard.press('End');
  await page.keyboard.press('Control+.');
  const item = page.locator('.action-widget .monaco-list-row, .context-view .action-item', { hasText: /^\s*Sign off/ }).first();
  await item.waitFor({ timeout: 20000 });
  await shot('04-quick-fix-menu');
  const itemText = (await item.innerText()).replace(/\s+/g, ' ').trim();
  log({ quickFix: itemText });
  // the menu is keyboard driven (a pointer block covers it): move the focus to "Sign off", Enter
  for (let i = 0; i < 10; i++) {
    const focused = page.locator('.action-widget .monaco-list-row.focused').first();
    const label = (await focused.getAttribute('aria-label').catch(() => null)) || (await focused.innerText().catch(() => ''));
    if (/^\s*Sign off/.test(label)) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');

  await begin('warning-cleared');
  const deadline = Date.now() + 20000;
  while (true) {
    const text = await problemsText();
    const squiggles = await page.locator('.squiggly-warning').count();
    if (!text.includes('PR102') && squiggles === 0) break;
    if (Date.now() > deadline) throw new Error(`PR102 still shown after sign-off: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    await page.waitForTimeout(200);
  }
  await shot('05-signed-off');

  // An assistant's inline suggestion (ghost text from the test-only provider), accepted with Tab:
  // the extension's Tab binding accepts it and reports the inserted range with pavedroad/aiEdit.
  await begin('inline-suggestion');
  await page.locator('.monaco-editor .view-lines', { hasText: 'audit_user' }).first().click();
  await gotoLine(17); // inside is_expired(): `current = ...`
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('audit', { delay: 20 });
  const ghost = page.locator('.monaco-editor .ghost-text, .monaco-editor .ghost-text-decoration').first();
  try {
    await ghost.waitFor({ timeout: 5000 });
  } catch {
    await page.keyboard.press('Alt+Backslash'); // editor.action.inlineSuggest.trigger
    await ghost.waitFor({ timeout: 10000 });
  }
  await shot('06-inline-suggestion');
  await page.keyboard.press('Tab');
  await page.locator('.monaco-editor .view-lines', { hasText: 'audit_seen = issued' }).waitFor({ timeout: 10000 });
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 20000 });
  const inlineRow = page.locator('.markers-panel .monaco-list-row', { hasText: 'PR102' }).first();
  await inlineRow.waitFor({ timeout: 20000 });
  log({ inline: (await inlineRow.innerText()).replace(/\s+/g, ' ').trim() });
  await shot('07-inline-accepted-pr102');

  // A paste (the inserted text equals the clipboard) is reported as such (pavedroad/editOrigin).
  await begin('paste');
  const pasted = 'def audit_log(entries):\n    for entry in entries:\n        print(entry)\n    return len(entries)\n';
  await page.evaluate((text) => navigator.clipboard.writeText(text), pasted);
  await page.locator('.monaco-editor .view-lines', { hasText: 'audit_user' }).first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+V');
  await page.locator('.monaco-editor .view-lines', { hasText: 'def audit_log' }).waitFor({ timeout: 10000 });
  await runCommand('Pavedroad: Show output');
  const outputLine = page.locator('.output-view, .panel .monaco-editor', { hasText: 'editOrigin paste' }).first();
  await outputLine.waitFor({ timeout: 15000 });
  const outText = (await page.locator('.output-view, .panel .monaco-editor').first().innerText()).replace(/\u00a0/g, ' ');
  log({ paste: outText.split('\n').filter((l) => l.includes('editOrigin')).join(' | ').slice(0, 300) });
  await shot('08-paste-reported');

  await begin('zone-map');
  await runCommand('Pavedroad: Show zone map of the workspace');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'zone map' }).waitFor({ timeout: 20000 });
  await page.keyboard.type('session.py'); // filter the (virtualised) list
  const mapRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'session.py' }).first();
  await mapRow.waitFor({ timeout: 20000 });
  log({ zoneMap: (await mapRow.innerText()).replace(/\s+/g, ' ').trim() });
  await shot('09-zone-map');
  await page.keyboard.press('Escape');

  await begin('check-prompt');
  const secret = process.env.PAVEDROAD_FAKE_KEY;
  await page.evaluate((text) => navigator.clipboard.writeText(text), `deploy it with key ${secret} please`);
  await runCommand('Pavedroad: Check clipboard as a prompt');
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Prompt check:' }).first();
  await toast.waitFor({ timeout: 20000 });
  log({ prompt: (await toast.innerText()).replace(/\s+/g, ' ').trim() });
  await shot('10-check-prompt');
  await toast.getByRole('button', { name: 'Copy redacted text' }).click();
  const deadlineClip = Date.now() + 10000;
  let clip = '';
  while (Date.now() < deadlineClip) {
    clip = await page.evaluate(() => navigator.clipboard.readText());
    if (!clip.includes('please') || !clip.includes(secret)) break;
    await page.waitForTimeout(200);
  }
  if (clip.includes(secret)) throw new Error(`the redacted prompt still holds the key: ${clip}`);
  log({ redacted: clip });
  log({ ok: true, seconds: (Date.now() - T0) / 1000 });
  await browser.close();
})().catch(async (e) => {
  log({ failed: step, error: String(e && e.message ? e.message : e).slice(0, 2000) });
  try {
    if (page) await shot(`failed-${step}`);
  } catch {
    // ignore
  }
  try {
    if (browser) await browser.close();
  } catch {
    // ignore
  }
  process.exit(1);
});
