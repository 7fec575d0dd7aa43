// pdf.js (npm pdfjs-dist) as an independent PDF reader: for each PDF on the
// command line, the text of every page and every warning pdf.js gives while
// parsing the document and loading its fonts (getOperatorList translates
// each font program). Prints one JSON object: {file: {pages, text, warnings}}.
import pdfjs from "pdfjs-dist/legacy/build/pdf.js";
import { readFileSync } from "node:fs";

const warnings = [];
const log = console.log;
console.log = (...a) => {
  const s = a.join(" ");
  if (/warn|error|invalid|fail/i.test(s)) warnings.push(s);
  else log(...a);
};

const out = {};
for (const file of process.argv.slice(2)) {
  warnings.length = 0;
  const data = new Uint8Array(readFileSync(file));
  const doc = await pdfjs.getDocument({ data, verbosity: pdfjs.VerbosityLevel.WARNINGS,
                                        disableFontFace: true, useSystemFonts: false,
                                        isEvalSupported: false }).promise;
  let text = "";
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    await page.getOperatorList();
    const tc = await page.getTextContent();
    text += tc.items.map((i) => i.str).join("") + "\n";
  }
  out[file] = { pages: doc.numPages, text, warnings: [...warnings] };
  await doc.destroy();
}
log(JSON.stringify(out));
