// The page of briefing serve in headless Chromium (Debian's), driven by
// playwright-core: two reports dropped on the drop zone, their results
// waited for, each PDF and the ZIP of all downloaded into OUTDIR, a broken
// report's messages shown next to it, and the page used from the keyboard.
// Prints one JSON line with what it saw; tests/serve/page.py checks the files.
//
//   node page.mjs URL OUTDIR GOOD1.json GOOD2.txt BAD.json
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [url, outdir, ...files] = process.argv.slice(2);
const seen = { errors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#template option', { state: 'attached' });
  seen.lang = await page.getAttribute('html', 'lang');
  seen.templates = await page.$$eval('#template option', (os) => os.map((o) => o.value));
  seen.description = await page.textContent('#template-desc');
  seen.selectLabel = await page.$eval('#template', (e) => e.labels[0]?.textContent || '');
  seen.fileLabel = await page.$eval('#files', (e) => e.labels[0]?.textContent || '');

  // keyboard: Tab reaches the template list, arrows change it (and the
  // description follows), then back to the default
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'template');
  }
  seen.keyboardReachesTemplate = reached;
  await page.keyboard.press('ArrowDown');
  seen.afterArrow = await page.$eval('#template', (e) => e.value);
  seen.descriptionAfterArrow = await page.textContent('#template-desc');
  await page.selectOption('#template', 'briefing');
  let fileReached = false;
  for (let i = 0; i < 10 && !fileReached; i++) {
    await page.keyboard.press('Tab');
    fileReached = await page.evaluate(() => document.activeElement?.id === 'files');
  }
  seen.keyboardReachesFiles = fileReached;

  // drop the two good reports on the drop zone, as a person drags them
  const payload = files.slice(0, 2).map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bytes = Uint8Array.from(atob(it.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], it.name));
    }
    const drop = document.getElementById('drop');
    drop.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    drop.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, payload);
  await page.waitForFunction(() => document.querySelectorAll('#results li.ok').length === 2, null, { timeout: 60000 });
  seen.summary = await page.textContent('#summary');
  seen.summaryLive = await page.getAttribute('#summary', 'aria-live');
  await page.waitForSelector('#results li.ok ul.msgs li', { state: 'attached', timeout: 10000 }).catch(() => {});
  seen.warnings = await page.$$eval('#results li.ok ul.msgs li', (ls) => ls.map((l) => l.textContent));

  // each PDF: open in the browser (a new tab on the PDF) and download
  seen.downloads = [];
  for (const li of await page.$$('#results li.ok')) {
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      li.$eval('a[target=_blank]', (a) => a.click()),
    ]);
    seen.opened = popup.url();
    await popup.close();
    const [dl] = await Promise.all([page.waitForEvent('download'), li.$eval('a[download]', (a) => a.click())]);
    const name = dl.suggestedFilename();
    await dl.saveAs(join(outdir, name));
    seen.downloads.push(name);
  }
  // all of them as one ZIP, from the keyboard
  await page.focus('#zip');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  seen.zipName = zip.suggestedFilename();
  await zip.saveAs(join(outdir, 'all.zip'));

  // a broken report: its messages next to it, with the file and JSON path
  await page.setInputFiles('#files', files[2]);
  await page.waitForSelector('#results li.error ul.msgs li', { state: 'attached', timeout: 60000 });
  seen.errorName = await page.textContent('#results li.error .name');
  seen.errorMessages = await page.$$eval('#results li.error ul.msgs li', (ls) => ls.map((l) => l.textContent));
  seen.errorState = await page.textContent('#results li.error .state');
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
