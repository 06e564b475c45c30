// Loads a report page (file://) in Debian's chromium through playwright-core, offline, and prints
// one JSON object: console errors, failed or attempted network requests, the size of every chart
// <svg>, the number of drawn marks, and the screenshots taken (screen and print media).
//
// env: PAGE (absolute path of the .html), OUT (screenshot dir), NAME (file prefix),
//      PLAYWRIGHT_CORE (path of the playwright-core package), CHROMIUM (default /usr/bin/chromium)
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');

(async () => {
  const out = process.env.OUT;
  const name = process.env.NAME || 'report';
  fs.mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const result = { console: [], requests: [], pageErrors: [], charts: [], screenshots: [] };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') result.console.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => result.pageErrors.push(String(e)));
    page.on('request', (r) => { if (!r.url().startsWith('file:')) result.requests.push(r.url()); });
    await page.goto('file://' + process.env.PAGE, { waitUntil: 'load' });
    result.title = await page.title();
    result.charts = await page.$$eval('svg.chart', (els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { label: e.getAttribute('aria-label'), width: r.width, height: r.height,
        marks: e.querySelectorAll('rect').length, texts: e.querySelectorAll('text').length };
    }));
    result.anchors = await page.$$eval('[id]', (els) => els.map((e) => e.id));
    result.links = await page.$$eval('a[href^="#"]', (els) => els.map((e) => e.getAttribute('href')));
    const shot = path.join(out, `${name}-screen.png`);
    await page.screenshot({ path: shot, fullPage: true });
    result.screenshots.push(shot);
    const top = path.join(out, `${name}-top.png`);
    await page.screenshot({ path: top });
    result.screenshots.push(top);
    await page.emulateMedia({ media: 'print' });
    result.printNavHidden = await page.$eval('nav', (e) => getComputedStyle(e).display === 'none');
    const printed = path.join(out, `${name}-print.png`);
    await page.screenshot({ path: printed, fullPage: true });
    result.screenshots.push(printed);
    const pdf = path.join(out, `${name}.pdf`);
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    result.pdfBytes = fs.statSync(pdf).size;
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
