/*
 * otel-profiles span view: lists the spans the receiver got over OTLP traces, slowest first (filter by service and
 * name), and shows a clicked span's duration next to the flame graph of exactly the profile samples linked to it
 * (or to it and its child spans). Data comes from /api/spans and /api/span. Every name here was chosen by a sender,
 * so the view is built from DOM nodes and textContent only, never from markup. It adds a "Profiles | Spans" switch
 * to the page header and otherwise keeps to its own <section id="spans">; ?view=spans or ?trace=..&span=.. opens it.
 */
(function () {
  'use strict';
  const section = document.getElementById('spans');
  if (!section || typeof OtelFlameGraph === 'undefined') return;
  const params = new URLSearchParams(location.search);
  const RANGES = [['900000', 'Last 15 minutes'], ['3600000', 'Last hour'], ['21600000', 'Last 6 hours'],
    ['86400000', 'Last 24 hours'], ['all', 'Everything stored']];

  function el(tag, attributes, text) {
    const e = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) e.setAttribute(key, value);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function labelled(text, control) {
    const label = el('label', {}, text);
    label.append(control);
    return label;
  }

  // 0.8 ms, 812.3 ms, 1.25 s: three significant figures are enough to compare spans.
  function formatDuration(ms) {
    if (ms < 1) return (ms * 1000).toFixed(1) + ' µs';
    if (ms < 1000) return ms.toFixed(1) + ' ms';
    return (ms / 1000).toFixed(2) + ' s';
  }

  function formatTime(ms) { return new Date(ms).toLocaleString(); }

  async function getJson(url) {
    const response = await fetch(url);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || (response.status + ' ' + response.statusText));
    return body;
  }

  // The header switch between the profiles view (the page's <main>) and this one.
  const profilesTab = el('button', { type: 'button', id: 'tab-profiles', class: 'view-tab' }, 'Profiles');
  const spansTab = el('button', { type: 'button', id: 'tab-spans', class: 'view-tab' }, 'Spans');
  const tabs = el('nav', { class: 'view-tabs' });
  tabs.append(profilesTab, spansTab);
  const header = document.querySelector('header.app');
  if (header) header.append(tabs);

  // Controls, list and detail.
  const service = el('select', { id: 'span-service' });
  const name = el('input', { id: 'span-name', type: 'search', placeholder: 'substring, e.g. checkout' });
  const range = el('select', { id: 'span-range' });
  for (const [value, text] of RANGES) range.append(el('option', { value: value }, text));
  range.value = 'all';
  const refresh = el('button', { type: 'button', id: 'span-refresh', class: 'primary' }, 'Show spans');
  const controls = el('div', { class: 'controls' });
  controls.append(labelled('Service', service), labelled('Name contains', name), labelled('Time range', range), labelled('\u00a0', refresh));
  const message = el('div', { id: 'span-message', class: 'message' });
  const table = el('table', { id: 'span-table', class: 'span-table' });
  const head = el('tr');
  for (const title of ['Duration', 'Span', 'Service', 'Started']) head.append(el('th', {}, title));
  table.append(el('thead'), el('tbody'));
  table.tHead.append(head);
  const list = el('div', { class: 'span-list' });
  list.append(table);

  const detail = el('div', { id: 'span-detail', class: 'span-detail' });
  detail.hidden = true;
  const title = el('h2', { id: 'span-title' });
  const duration = el('span', { id: 'span-duration', class: 'span-duration' });
  const meta = el('div', { id: 'span-meta', class: 'span-meta' });
  const children = el('input', { id: 'span-children', type: 'checkbox' });
  const childrenLabel = el('span', {});
  childrenLabel.append(children, ' Include child spans');
  const type = el('select', { id: 'span-type' });
  const link = el('a', { id: 'span-link' }, 'Link to this view');
  const detailControls = el('div', { class: 'controls' });
  detailControls.append(labelled('Profile type', type), labelled('\u00a0', childrenLabel), labelled('\u00a0', link));
  const summary = el('div', { id: 'span-summary', class: 'message' });
  const graph = el('div', { id: 'span-flamegraph' });
  const titleRow = el('div', { class: 'span-title-row' });
  titleRow.append(duration, title);
  detail.append(titleRow, meta, detailControls, summary, graph);
  section.append(controls, message, list, detail);
  // Built on first use: until a span is opened the page holds one flame graph panel only, the profiles view's.
  let panel = null;

  let current = null; // {traceId, spanId} of the span shown
  let loaded = false;

  function showView(spans) {
    section.hidden = !spans;
    const main = document.querySelector('main');
    if (main) main.hidden = spans;
    profilesTab.classList.toggle('active', !spans);
    spansTab.classList.toggle('active', spans);
    if (spans && !loaded) {
      loaded = true;
      loadSpans();
    }
  }

  function spansQuery() {
    const q = new URLSearchParams();
    if (service.value) q.set('service', service.value);
    if (name.value.trim()) q.set('name', name.value.trim());
    if (range.value !== 'all') q.set('from', String(Date.now() - Number(range.value)));
    return q;
  }

  async function loadSpans() {
    try {
      message.textContent = 'Loading spans…';
      message.classList.remove('error');
      const data = await getJson('/api/spans?' + spansQuery());
      const selected = service.value;
      service.textContent = '';
      service.append(el('option', { value: '' }, '(all services)'));
      for (const s of data.services) service.append(el('option', { value: s }, s));
      service.value = data.services.includes(selected) ? selected : '';
      renderList(data.spans);
      message.textContent = data.spans.length === 0
        ? (data.services.length === 0
          ? 'No spans received yet. Send OTLP traces to ' + location.origin + '/v1/traces or OTLP/gRPC on port 4317 (the same endpoints as profiles).'
          : 'No span matches these filters.')
        : 'The ' + data.spans.length + ' slowest span' + (data.spans.length === 1 ? '' : 's') + '. Click one for the flame graph of its samples.';
    } catch (e) {
      message.textContent = 'Could not load spans: ' + e.message;
      message.classList.add('error');
    }
  }

  function renderList(spans) {
    const body = table.tBodies[0];
    body.textContent = '';
    for (const span of spans) {
      const row = el('tr', { tabindex: '0', class: 'span-row' });
      row.dataset.traceId = span.traceId;
      row.dataset.spanId = span.spanId;
      if (current && current.spanId === span.spanId && current.traceId === span.traceId) row.classList.add('selected');
      const nameCell = el('td', { class: 'span-name' }, span.name || '(unnamed)');
      if (span.status === 2) nameCell.append(el('span', { class: 'span-error' }, ' error'));
      row.append(el('td', { class: 'span-duration-cell' }, formatDuration(span.durationMs)), nameCell,
        el('td', {}, span.service), el('td', {}, formatTime(span.startMs)));
      const open = () => openSpan(span.traceId, span.spanId, true);
      row.addEventListener('click', open);
      row.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
      body.append(row);
    }
  }

  async function openSpan(traceId, spanId, resetType) {
    current = { traceId: traceId, spanId: spanId };
    for (const row of table.tBodies[0].rows) {
      row.classList.toggle('selected', row.dataset.traceId === traceId && row.dataset.spanId === spanId);
    }
    const q = new URLSearchParams({ trace: traceId, span: spanId });
    if (children.checked) q.set('children', 'true');
    if (!resetType && type.value) q.set('type', type.value);
    try {
      summary.textContent = 'Loading the span\u2019s samples…';
      summary.classList.remove('error');
      detail.hidden = false;
      const data = await getJson('/api/span?' + q);
      if (!current || current.spanId !== spanId || current.traceId !== traceId) return; // another span was clicked meanwhile
      const span = data.span;
      title.textContent = span.name || '(unnamed)';
      duration.textContent = formatDuration(span.durationMs);
      meta.textContent = span.service + ' · started ' + formatTime(span.startMs) + ' · trace ' + span.traceId + ' · span ' + span.spanId +
        (span.parentSpanId ? ' · parent ' + span.parentSpanId : ' · root span');
      link.href = '?' + new URLSearchParams({ trace: span.traceId, span: span.spanId }) + (data.children ? '&children=1' : '');
      type.textContent = '';
      for (const t of data.profileTypes) type.append(el('option', { value: t.type }, t.type + ' (' + t.total.toLocaleString('en-US') + ')'));
      type.value = data.profileType;
      type.disabled = data.profileTypes.length === 0;
      const scope = data.children ? 'this span and its ' + (data.spans - 1) + ' descendant span' + (data.spans === 2 ? '' : 's') : 'this span';
      if (data.profileTypes.length === 0) {
        graph.hidden = true;
        summary.textContent = 'No profile samples are linked to ' + scope + '. Samples carry span links when the app\u2019s profiler links them ' +
          'to the current span; they arrive with the next profile export.' + (data.children ? '' : ' Try including child spans.');
        return;
      }
      graph.hidden = false;
      if (!panel) panel = new OtelFlameGraph.FlameGraphPanel(graph);
      panel.show(data);
      summary.textContent = data.profileType + ' samples linked to ' + scope + ', from ' + data.profiles + ' profile' + (data.profiles === 1 ? '' : 's') + '.';
    } catch (e) {
      summary.textContent = 'Could not load the span: ' + e.message;
      summary.classList.add('error');
    }
  }

  profilesTab.addEventListener('click', () => showView(false));
  spansTab.addEventListener('click', () => showView(true));
  refresh.addEventListener('click', loadSpans);
  service.addEventListener('change', loadSpans);
  range.addEventListener('change', loadSpans);
  let typing = null;
  name.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(loadSpans, 300); });
  name.addEventListener('keydown', (e) => { if (e.key === 'Enter') { clearTimeout(typing); loadSpans(); } });
  children.addEventListener('change', () => { if (current) openSpan(current.traceId, current.spanId, false); });
  type.addEventListener('change', () => { if (current) openSpan(current.traceId, current.spanId, false); });

  children.checked = params.get('children') === '1' || params.get('children') === 'true';
  const trace = params.get('trace'), span = params.get('span');
  if (trace && span) {
    showView(true);
    openSpan(trace, span, true);
  } else {
    showView(params.get('view') === 'spans');
  }
})();
