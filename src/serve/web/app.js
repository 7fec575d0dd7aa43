// The page of briefing serve: each dropped file is sent to POST /v1/render
// (a few at a time) and its result shown as it arrives; "全部下载" sends them
// all to POST /v1/batch and saves the ZIP. No build step, no dependencies.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { items: [], running: 0, templates: [] };
const PARALLEL = 4;
const PROBLEMS = {
  400: '请求无效', 404: '没有这个模板', 413: '文件太大（上限 64 MiB）', 415: '不支持的文件类型',
  422: '报告有误，无法生成简报', 503: '服务器忙，请稍后重试',
};

function templateName() { return $('template').value; }

async function loadTemplates() {
  try {
    const r = await fetch('/v1/templates');
    const j = await r.json();
    state.templates = j.templates;
    const sel = $('template');
    for (const t of j.templates) {
      const o = document.createElement('option');
      o.value = t.name;
      o.textContent = t.name;
      if (t.name === j.default) o.selected = true;
      sel.appendChild(o);
    }
    showDescription();
  } catch (e) {
    $('template-desc').textContent = '无法读取模板列表：' + e;
  }
}

function showDescription() {
  const t = state.templates.find((x) => x.name === templateName());
  $('template-desc').textContent = t ? t.description : '';
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function summary() {
  const n = state.items.length;
  const ok = state.items.filter((i) => i.status === 'ok').length;
  const bad = state.items.filter((i) => i.status === 'error').length;
  const wait = n - ok - bad;
  $('summary').textContent = n === 0 ? '还没有报告。'
    : `共 ${n} 份：${ok} 份完成，${bad} 份出错` + (wait ? `，${wait} 份处理中…` : '。');
  $('zip').disabled = ok === 0 || wait > 0;
  $('clear').disabled = n === 0 || wait > 0;
}

function addFile(file) {
  const item = { file, status: 'waiting', url: null };
  item.li = el('li', { 'aria-busy': 'true' });
  item.li.appendChild(el('span', { class: 'name' }, file.name));
  item.stateEl = el('span', { class: 'state' }, '排队中…');
  item.li.appendChild(item.stateEl);
  $('results').appendChild(item.li);
  state.items.push(item);
  pump();
}

function pump() {
  while (state.running < PARALLEL) {
    const item = state.items.find((i) => i.status === 'waiting');
    if (!item) break;
    item.status = 'running';
    item.stateEl.textContent = '生成中…';
    state.running++;
    render(item).finally(() => { state.running--; summary(); pump(); });
  }
  summary();
}

function showMessages(item, lines) {
  if (!lines.length) return;
  const ul = el('ul', { class: 'msgs', 'aria-label': item.file.name + ' 的提示' });
  for (const l of lines) ul.appendChild(el('li', {}, l));
  item.li.appendChild(ul);
}

async function render(item) {
  const q = new URLSearchParams({ template: templateName(), name: item.file.name });
  try {
    const body = await item.file.arrayBuffer();
    item.body = body;
    const r = await fetch('/v1/render?' + q, { method: 'POST', body,
      headers: { 'Content-Type': 'application/octet-stream' } });
    item.li.removeAttribute('aria-busy');
    if (r.ok) {
      const blob = await r.blob();
      item.url = URL.createObjectURL(blob);
      const cd = r.headers.get('Content-Disposition') || '';
      const m = /filename="([^"]+)"/.exec(cd);
      item.pdfName = m ? m[1] : item.file.name.replace(/\.[^.]*$/, '') + '.pdf';
      item.status = 'ok';
      item.li.className = 'ok';
      const pages = r.headers.get('X-Briefing-Pages');
      const warns = Number(r.headers.get('X-Briefing-Warnings') || 0);
      item.stateEl.textContent = `完成，${pages} 页` + (warns ? `，${warns} 条提示` : '');
      const act = el('div', { class: 'actions' });
      const open = el('a', { href: item.url, target: '_blank', rel: 'noopener' }, '在浏览器中打开');
      open.setAttribute('aria-label', '打开 ' + item.pdfName);
      const dl = el('a', { href: item.url, download: item.pdfName }, '下载 ' + item.pdfName);
      act.append(open, dl);
      item.li.appendChild(act);
      if (warns) showWarnings(item, r);
    } else {
      item.status = 'error';
      item.li.className = 'error';
      let p = null;
      try { p = await r.json(); } catch (e) { /* not problem+json */ }
      item.stateEl.textContent = '出错：' + (PROBLEMS[r.status] || (p && p.title) || r.status + ' ' + r.statusText);
      const lines = p && p.diagnostics && p.diagnostics.length
        ? p.diagnostics.map((d) => d.text) : [p && p.detail ? p.detail : ''];
      showMessages(item, lines.filter(Boolean));
    }
  } catch (e) {
    item.status = 'error';
    item.li.className = 'error';
    item.li.removeAttribute('aria-busy');
    item.stateEl.textContent = '出错：无法连接服务器';
    showMessages(item, [String(e)]);
  }
}

// The PDF's answer carries its warnings (the lines the command line prints),
// percent-encoded, one X-Briefing-Warning header each; fetch joins repeated
// headers with ", ", which the encoding keeps out of the values.
function showWarnings(item, r) {
  const v = r.headers.get('X-Briefing-Warning');
  if (v) showMessages(item, v.split(', ').map(decodeURIComponent));
}

async function downloadZip() {
  const ok = state.items.filter((i) => i.status === 'ok');
  const form = new FormData();
  for (const i of ok) form.append('file', new Blob([i.body]), i.file.name);
  $('zip').disabled = true;
  $('summary').textContent = '正在打包…';
  try {
    const r = await fetch('/v1/batch?' + new URLSearchParams({ template: templateName() }),
      { method: 'POST', body: form });
    if (!r.ok) throw new Error(r.status + ' ' + r.statusText);
    const blob = await r.blob();
    const a = el('a', { href: URL.createObjectURL(blob), download: 'briefings.zip' });
    document.body.appendChild(a);
    a.click();
    a.remove();
    summary();
  } catch (e) {
    $('summary').textContent = '打包失败：' + e;
    $('zip').disabled = false;
  }
}

function clearAll() {
  for (const i of state.items) if (i.url) URL.revokeObjectURL(i.url);
  state.items = [];
  $('results').textContent = '';
  summary();
}

document.addEventListener('DOMContentLoaded', () => {
  loadTemplates();
  $('template').addEventListener('change', showDescription);
  $('files').addEventListener('change', (e) => {
    for (const f of e.target.files) addFile(f);
    e.target.value = '';
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    for (const f of e.dataTransfer.files) addFile(f);
  });
  $('zip').addEventListener('click', downloadZip);
  $('clear').addEventListener('click', clearAll);
});
