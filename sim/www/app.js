// sim/www/app.js — the reform explorer's page (served by `troika serve`,
// sim/serve.c).  Everything it shows comes from the server: the strings
// (analysis/ui.def, both languages), the levers (the parameter table), the
// runs.  It loads nothing from any other address.
'use strict';

const st = {lang: 'en', strings: null, config: null, levers: [], runs: [], shown: 0,
            polling: false, awaiting: new Set()};  // runs started here, shown when done

function T(id, ...args) {
  let s = (st.strings[st.lang] || {})[id] || id;
  for (const a of args) s = s.replace('%s', String(a));
  return s;
}

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}

async function api(path, opts) {
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = {error: r.statusText}; }
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function num(v) { return +(+v).toPrecision(6); }

// ---- the levers --------------------------------------------------------------------
function unitText(l) {  // shares are fractions here (the parameter's own value)
  if (l.unit === 'share') return T('SHARE');
  return st.lang === 'zh' ? l.unit_zh : l.unit_en;
}

function suggested(l) {  // a first intensity: the other end of the range
  if (l.def === l.lo) return l.type === 'real' && l.hi <= 1 ? num(l.lo + (l.hi - l.lo) / 2) : l.hi;
  if (l.def === l.hi) return l.lo;
  return l.def;
}

function years() {
  return Math.max(1, Math.ceil((+document.getElementById('days').value || 1) / 365));
}

function yearOptions(sel) {
  const keep = +sel.value || (years() >= 2 ? 2 : 1);
  sel.textContent = '';
  for (let y = 1; y <= years(); y++)
    sel.append(el('option', {value: String(y), text: T('YEAR', y)}));
  sel.value = String(Math.min(keep, years()));
}

function renderLevers() {
  const tb = document.querySelector('#levers tbody');
  const old = {};
  for (const tr of tb.querySelectorAll('tr'))
    old[tr.dataset.key] = {pick: tr.querySelector('.pick').checked,
                           v: tr.querySelector('.intensity').value,
                           y: tr.querySelector('.year').value};
  tb.textContent = '';
  for (const l of st.levers) {
    const o = old[l.key];
    const pick = el('input', {type: 'checkbox', class: 'pick', 'aria-label': l.key});
    pick.checked = o ? o.pick : false;
    const inp = el('input', {type: 'number', class: 'intensity', min: String(l.lo),
                             max: String(l.hi), step: l.type === 'real' ? 'any' : '1',
                             value: o ? o.v : String(suggested(l))});
    const yr = el('select', {class: 'year'});
    if (o) yr.value = o.y;
    const tr = el('tr', {'data-key': l.key},
      el('td', {}, pick),
      el('td', {class: 'doc'}, st.lang === 'zh' ? l.doc_zh : l.doc_en, ' ', el('code', {text: l.key})),
      el('td', {class: 'now', text: String(num(l.def))}),
      el('td', {class: 'range', text: num(l.lo) + ' – ' + num(l.hi) + ' ' + unitText(l)}),
      el('td', {}, inp),
      el('td', {}, yr));
    if (o) { yr.append(el('option', {value: o.y})); yr.value = o.y; }
    yearOptions(yr);
    tr.classList.toggle('on', pick.checked);
    pick.addEventListener('change', () => tr.classList.toggle('on', pick.checked));
    tb.append(tr);
  }
}

// ---- the static text, in the current language ---------------------------------------
function renderText() {
  document.documentElement.lang = st.lang === 'zh' ? 'zh-CN' : 'en';
  document.title = 'troika: ' + T('TITLE');
  for (const e of document.querySelectorAll('[data-ui]')) e.textContent = T(e.dataset.ui);
  document.getElementById('lang-toggle').textContent = T('OTHER_LANG');
  const c = st.config;
  document.getElementById('scope-district').textContent = T('SCOPE_DISTRICT', c.compounds.district);
  const ci = document.getElementById('scope-city-input');
  ci.disabled = !c.city;
  document.getElementById('scope-city').textContent =
    c.city ? T('SCOPE_CITY', c.compounds.city) : T('SCOPE_CITY_NONE');
  document.getElementById('auto-text').textContent =
    T('AUTO', Math.round(100 * c.tolerance) + '%', c.replicates.max);
  if (c.posterior.available) { // parameter uncertainty: troika serve --posterior
    const sel = document.getElementById('posterior');
    const was = sel.value;
    sel.textContent = '';
    sel.append(el('option', {value: '0'}, T('POSTERIOR_OFF')),
               el('option', {value: '1'}, T('POSTERIOR_ON', c.posterior.file, c.posterior.draws)));
    sel.value = was === '1' ? '1' : '0';
    sel.disabled = false;
    document.getElementById('posterior-note').textContent = T('POSTERIOR_READY', c.posterior.draws);
  }
  renderLevers();
  renderRuns();
  showReport(st.shown, false);
}

// A lever's short name: the words in brackets after "Lever (" / "政策杠杆（" in its
// description (as sim/serve.c names scenarios), else its key.
function leverName(key) {
  const l = st.levers.find(x => x.key === key);
  if (!l) return key;
  const m = st.lang === 'zh' ? /^政策杠杆（([^）]+)）/.exec(l.doc_zh) : /^Lever \(([^)]+)\)/.exec(l.doc_en);
  return m ? m[1] : key;
}

// ---- runs ----------------------------------------------------------------------------
function runLabel(r) {
  const lv = r.levers.map(l => leverName(l.key) + ' ' + num(l.value) + ' (' + T('YEAR', l.year) + ')');
  const mode = {alone: T('ALONE_TAG'), together: T('TOGETHER_TAG'), both: T('BOTH_TAG')}[r.mode];
  const reps = r.replicates === 'auto' ? T('AUTO_TAG')
             : r.posterior ? T('POSTERIOR_TAG', st.config.posterior.draws, r.replicates)
                           : T('REPS_TAG', r.replicates);
  const scope = r.scope === 'city' ? T('SCOPE_CITY', st.config.compounds.city)
                                   : T('SCOPE_DISTRICT', st.config.compounds.district);
  return [lv.join(' + '), mode, scope, reps].join(' · ');
}

function renderRuns() {
  const tb = document.querySelector('#runs tbody');
  tb.textContent = '';
  document.getElementById('no-runs').hidden = st.runs.length > 0;
  for (const r of st.runs) {
    const tr = el('tr', {'data-id': String(r.id), 'data-state': r.state});
    if (r.id === st.shown) tr.classList.add('sel');
    const what = el('td', {}, el('strong', {text: T('RUN_NO', r.id)}), ' ', runLabel(r));
    if (r.error) what.append(el('div', {class: 'error', text: r.error}));
    const stateTd = el('td', {class: 'state', text: T('STATE_' + r.state.toUpperCase())});
    const prog = el('td', {});
    if (r.state === 'running' || r.state === 'queued') {
      const p = el('progress', {max: String(Math.max(r.total, 1)), value: String(r.done)});
      prog.append(p, ' ', el('span', {class: 'progress', text: T('PROGRESS', r.done, r.total || '?')}));
    } else if (r.state === 'done') {
      prog.append(T('SECONDS', r.seconds.toFixed(1)));
    }
    const act = el('td', {});
    if (r.state === 'running' || r.state === 'queued') {
      const b = el('button', {type: 'button', class: 'cancel', text: T('CANCEL')});
      b.addEventListener('click', () => cancelRun(r.id));
      act.append(b);
    } else if (r.state === 'done') {
      const b = el('button', {type: 'button', class: 'show', text: T('SHOW')});
      b.addEventListener('click', () => showReport(r.id, true));
      act.append(b, ' ',
        el('a', {class: 'dl-report', href: '/runs/' + r.id + '/report.html?lang=' + st.lang + '&download=1',
                 download: '', text: T('DL_REPORT')}),
        el('a', {class: 'dl-h5', href: '/runs/' + r.id + '/compare.h5', download: '', text: T('DL_H5')}));
    }
    tr.append(what, stateTd, prog, act);
    tb.append(tr);
  }
}

function showReport(id, scroll) {
  const sec = document.getElementById('result-sec');
  const r = st.runs.find(x => x.id === id);
  if (!r || r.state !== 'done') { sec.hidden = true; return; }
  st.shown = id;
  sec.hidden = false;
  document.getElementById('result-title').textContent = T('H_RESULT', id);
  const f = document.getElementById('report');
  const src = '/runs/' + id + '/report.html?lang=' + st.lang;
  if (f.getAttribute('src') !== src) {
    f.dataset.run = '';
    f.setAttribute('src', src);
  }
  for (const tr of document.querySelectorAll('#runs tbody tr'))
    tr.classList.toggle('sel', +tr.dataset.id === id);
  if (scroll) sec.scrollIntoView();
}

async function refresh() {
  try {
    const runs = (await api('/api/runs')).runs;
    document.getElementById('server-error').hidden = true;
    if (JSON.stringify(runs) !== JSON.stringify(st.runs)) {  // redraw only on a change
      st.runs = runs;
      renderRuns();
    }
    // a run started from this page is shown as soon as it is done
    for (const r of st.runs)
      if (st.awaiting.has(r.id) && r.state !== 'queued' && r.state !== 'running') {
        st.awaiting.delete(r.id);
        if (r.state === 'done') showReport(r.id, true);
      }
  } catch (e) {
    const p = document.getElementById('server-error');
    p.textContent = T('SERVER_DOWN');
    p.hidden = false;
  }
  const busy = st.runs.some(r => r.state === 'queued' || r.state === 'running');
  if (busy) setTimeout(refresh, 600);
  else st.polling = false;
}

function poll() {
  if (!st.polling) { st.polling = true; refresh(); }
}

async function cancelRun(id) {
  try { await api('/api/runs/' + id + '/cancel', {method: 'POST'}); } catch (e) { /* ended */ }
  poll();
}

async function startRun() {
  const err = document.getElementById('form-error');
  err.textContent = '';
  const f = new URLSearchParams();
  for (const tr of document.querySelectorAll('#levers tbody tr'))
    if (tr.querySelector('.pick').checked)
      f.append('lever', tr.dataset.key + ':' + tr.querySelector('.intensity').value + ':' +
               tr.querySelector('.year').value);
  if (!f.has('lever')) { err.textContent = T('PICK'); return; }
  f.append('mode', document.querySelector('input[name=mode]:checked').value);
  f.append('scope', document.querySelector('input[name=scope]:checked').value);
  f.append('replicates', document.getElementById('auto').checked ? 'auto'
                                                                  : document.getElementById('replicates').value);
  f.append('days', document.getElementById('days').value);
  f.append('seed', document.getElementById('seed').value);
  if (st.config.posterior.available)
    f.append('posterior', document.getElementById('posterior').value === '1' ? '1' : '0');
  try {
    const r = await api('/api/runs', {method: 'POST', body: f,
                                      headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
    st.awaiting.add(r.id);
  } catch (e) {
    err.textContent = T('SENT_ERROR', e.message);
  }
  poll();
}

function scopeChanged() {
  const city = document.querySelector('input[name=scope]:checked').value === 'city';
  document.getElementById('days').value = String(city ? st.config.days.city : st.config.days.district);
  for (const s of document.querySelectorAll('#levers select.year')) yearOptions(s);
}

async function main() {
  try {
    [st.config, st.strings, st.levers] = await Promise.all(
      [api('/api/config'), api('/api/strings'), api('/api/levers')]);
  } catch (e) {
    document.body.textContent = 'troika serve does not answer: ' + e.message;
    return;
  }
  const q = new URLSearchParams(location.search).get('lang');
  st.lang = q === 'zh' || q === 'en' ? q : st.config.lang;
  const days = document.getElementById('days');
  days.min = String(st.config.days.min);
  days.max = String(st.config.days.max);
  days.value = String(st.config.days.district);
  const reps = document.getElementById('replicates');
  reps.min = String(st.config.replicates.min);
  reps.max = String(st.config.replicates.max);
  reps.value = String(st.config.replicates.value);
  renderText();
  document.getElementById('lang-toggle').addEventListener('click', () => {
    st.lang = st.lang === 'zh' ? 'en' : 'zh';
    renderText();
  });
  document.getElementById('run').addEventListener('click', startRun);
  document.getElementById('auto').addEventListener('change', e => { reps.disabled = e.target.checked; });
  days.addEventListener('change', () => {
    for (const s of document.querySelectorAll('#levers select.year')) yearOptions(s);
  });
  for (const r of document.querySelectorAll('input[name=scope]')) r.addEventListener('change', scopeChanged);
  document.getElementById('print').addEventListener('click', () => {
    document.getElementById('report').contentWindow.print();
  });
  document.getElementById('report').addEventListener('load', e => {
    // as tall as the report: one scroll bar, and the page prints it whole
    const doc = e.target.contentDocument;
    if (doc && doc.documentElement) e.target.style.height = (doc.documentElement.scrollHeight + 24) + 'px';
    e.target.dataset.run = String(st.shown);
  });
  document.body.dataset.ready = '1';
  poll();
}

main();
