/*
 * otel-profiles timeline: the total of the selected profile type per time bucket, above the flame graph, for the
 * range and filters the page shows (it reloads whenever app.js shows a flame graph: the 'otel-profiles:view' event).
 *
 * Dragging on it selects a time range. "Select range" narrows the page to the dragged range (the flame graph
 * reloads, the timeline zooms in). "Compare ranges" works as Pyroscope's comparison view: the first drag picks the
 * baseline, the second the comparison, and the diff flame graph of the two appears. "First vs last hour" does the
 * classic leak hunt in one click: the diff of the first and the last hour of what the timeline shows.
 *
 * It drives the page through its own controls (time range, Compare panel, Show and Run diff), so the range, the
 * filters and the URL stay in one place: app.js.
 */
(function (global) {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const HEIGHT = 84;
  const TOP = 14; // room for the scale label
  const HOUR = 3600000;

  function fmt(value) { return Math.round(value).toLocaleString('en-US'); }

  function duration(ms) {
    if (ms >= 86400000 && ms % 86400000 === 0) return (ms / 86400000) + ' d';
    if (ms >= HOUR && ms % HOUR === 0) return (ms / HOUR) + ' h';
    if (ms >= 60000) return Math.round(ms / 60000) + ' min';
    return Math.round(ms / 1000) + ' s';
  }

  function clock(ms, withDate) {
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, '0');
    const time = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    return withDate ? d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + time : time;
  }

  // The value a datetime-local input takes, in local time, to the millisecond (app.js reads it back with new Date()).
  function toLocalInput(ms) {
    const d = new Date(ms);
    const pad = (n, w) => String(n).padStart(w || 2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' +
      pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }

  function svg(tag, attributes) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
    return e;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function change(control, value) {
    control.value = value;
    control.dispatchEvent(new Event('change'));
  }

  class TimelinePanel {
    constructor(host) {
      this.host = host;
      host.classList.add('tl-panel');
      const bar = el('div', 'tl-toolbar');
      this.title = el('span', 'tl-title');
      this.modeButtons = {};
      const modes = el('span', 'tl-modes');
      modes.append('Drag to: ');
      for (const [mode, label] of [['range', 'Select range'], ['compare', 'Compare ranges']]) {
        const b = el('button', 'tl-mode', label);
        b.type = 'button';
        b.dataset.mode = mode;
        b.addEventListener('click', () => this.setMode(mode));
        this.modeButtons[mode] = b;
        modes.append(b);
      }
      this.firstLast = el('button', 'tl-first-last', 'First vs last hour');
      this.firstLast.type = 'button';
      this.firstLast.title = 'Diff of the first and the last hour of this timeline (a quarter of it when it spans less than 2 hours)';
      this.firstLast.addEventListener('click', () => this.compareFirstAndLast());
      this.status = el('span', 'tl-status');
      bar.append(this.title, modes, this.firstLast, this.status);
      this.chart = svg('svg', { class: 'tl-chart', height: String(HEIGHT) });
      host.append(bar, this.chart);
      this.mode = 'range';
      this.base = null;
      this.comp = null;
      this.sequence = 0;
      this.setMode('range');
      this.chart.addEventListener('mousedown', (e) => this.dragStart(e));
      global.addEventListener('mousemove', (e) => this.dragMove(e));
      global.addEventListener('mouseup', (e) => this.dragEnd(e));
      global.addEventListener('resize', () => { if (this.data) this.render(); });
    }

    setMode(mode) {
      this.mode = mode;
      for (const [m, b] of Object.entries(this.modeButtons)) b.classList.toggle('active', m === mode);
      this.host.classList.toggle('tl-comparing', mode === 'compare');
      this.updateStatus();
    }

    /** Loads the timeline for a flame graph query string (service, type, from, to, filter, gauge). */
    async load(query) {
      const sequence = ++this.sequence;
      if (query !== this.query) { this.base = null; this.comp = null; }
      this.query = query;
      const buckets = Math.max(20, Math.min(240, Math.floor((this.chart.clientWidth || 1000) / 8)));
      try {
        const response = await fetch('/api/timeline?' + query + '&buckets=' + buckets);
        const data = await response.json();
        if (sequence !== this.sequence) return;
        if (!response.ok) throw new Error(data.error || String(response.status));
        this.data = data;
        this.render();
      } catch (e) {
        if (sequence === this.sequence) this.title.textContent = 'Timeline unavailable: ' + e.message;
      }
    }

    span() { return Math.max(1, this.data.toMs - this.data.fromMs); }

    xOf(ms) { return (ms - this.data.fromMs) / this.span() * this.width; }

    // Whole milliseconds: the API, the datetime inputs and the drawn selections then all hold the same instants.
    timeOf(x) { return Math.round(this.data.fromMs + Math.max(0, Math.min(this.width, x)) / this.width * this.span()); }

    render() {
      const d = this.data;
      const chart = this.chart;
      chart.textContent = '';
      this.width = chart.clientWidth || chart.getBoundingClientRect().width || 1000;
      const gauge = d.aggregation === 'average' ? 'average of the in-use snapshots' : d.aggregation === 'latest' ? 'latest in-use snapshot' : 'sum';
      this.title.textContent = d.profileType + ' per ' + duration(d.bucketMs) + ' (' + gauge + ')';
      const spanMs = this.span();
      this.firstLast.textContent = 'First vs last ' + (spanMs >= 2 * HOUR ? 'hour' : duration(spanMs / 4));
      const max = Math.max(0, ...d.values.filter((v) => v !== null));
      const usable = HEIGHT - TOP - 14;
      const group = svg('g', { class: 'tl-bars' });
      d.values.forEach((value, i) => {
        if (value === null) return;
        const start = d.originMs + i * d.bucketMs;
        const x0 = Math.max(0, this.xOf(start)), x1 = Math.min(this.width, this.xOf(start + d.bucketMs));
        if (x1 <= x0) return;
        const h = max > 0 ? Math.max(1, value / max * usable) : 1;
        const rect = svg('rect', { class: 'tl-bar', x: String(x0), y: String(TOP + usable - h), width: String(Math.max(1, x1 - x0 - 1)), height: String(h) });
        rect.dataset.start = String(start);
        rect.dataset.value = String(value);
        const tip = svg('title');
        tip.textContent = clock(start, true) + ' +' + duration(d.bucketMs) + ': ' + fmt(value) + ' ' + d.unit;
        rect.append(tip);
        group.append(rect);
      });
      chart.append(group);
      const scale = svg('text', { class: 'tl-scale', x: '2', y: '10' });
      scale.textContent = d.values.some((v) => v !== null) ? 'max ' + fmt(max) + ' ' + d.unit : 'No profiles in this range';
      const left = svg('text', { class: 'tl-axis', x: '2', y: String(HEIGHT - 2) });
      left.textContent = clock(d.fromMs, true);
      const right = svg('text', { class: 'tl-axis', x: String(this.width - 2), y: String(HEIGHT - 2), 'text-anchor': 'end' });
      right.textContent = clock(d.toMs, true);
      chart.append(scale, left, right);
      this.drawSelections();
    }

    drawSelections() {
      for (const old of this.chart.querySelectorAll('.tl-selection')) old.remove();
      const draw = (range, kind, label) => {
        if (!range) return;
        const x0 = Math.max(0, this.xOf(range[0])), x1 = Math.min(this.width, this.xOf(range[1]));
        const rect = svg('rect', { class: 'tl-selection tl-' + kind, x: String(x0), y: '0', width: String(Math.max(1, x1 - x0)), height: String(HEIGHT - 12) });
        rect.dataset.from = String(Math.floor(range[0]));
        rect.dataset.to = String(Math.ceil(range[1]));
        const tip = svg('title');
        tip.textContent = label + ': ' + clock(range[0], true) + ' – ' + clock(range[1], true);
        rect.append(tip);
        this.chart.append(rect);
      };
      draw(this.base, 'base', 'Baseline');
      draw(this.comp, 'comp', 'Comparison');
      draw(this.dragging && this.dragRange, 'drag', 'Selection');
      this.updateStatus();
    }

    updateStatus() {
      const show = (r) => clock(r[0]) + '–' + clock(r[1]);
      if (this.mode === 'range') {
        this.status.textContent = 'Drag over the timeline to show that range.';
      } else if (!this.base) {
        this.status.textContent = 'Drag the baseline range.';
      } else if (!this.comp) {
        this.status.textContent = 'Baseline ' + show(this.base) + '. Now drag the comparison range.';
      } else {
        this.status.textContent = 'Baseline ' + show(this.base) + ' vs comparison ' + show(this.comp) + '.';
      }
    }

    localX(e) { return e.clientX - this.chart.getBoundingClientRect().left; }

    dragStart(e) {
      if (!this.data || e.button !== 0) return;
      e.preventDefault();
      this.dragging = true;
      this.dragFrom = this.localX(e);
      this.dragRange = null;
    }

    dragMove(e) {
      if (!this.dragging) return;
      const a = this.timeOf(this.dragFrom), b = this.timeOf(this.localX(e));
      this.dragRange = [Math.min(a, b), Math.max(a, b)];
      this.drawSelections();
    }

    dragEnd(e) {
      if (!this.dragging) return;
      this.dragging = false;
      const to = this.localX(e);
      this.drawSelections();
      if (Math.abs(to - this.dragFrom) < 3) return; // a click, not a drag
      const a = this.timeOf(this.dragFrom), b = this.timeOf(to);
      const range = [Math.min(a, b), Math.max(a, b)];
      if (this.mode === 'range') {
        this.showRange(range);
      } else if (!this.base || this.comp) {
        this.base = range;
        this.comp = null;
        this.drawSelections();
      } else {
        this.comp = range;
        this.drawSelections();
        this.runDiff();
      }
    }

    // Narrow the page to the range: app.js shows the flame graph and tells the timeline to reload (zoomed in).
    showRange(range) {
      change($('range'), 'custom');
      $('from').value = toLocalInput(range[0]);
      $('to').value = toLocalInput(range[1]);
      $('show').click();
    }

    compareFirstAndLast() {
      if (!this.data) return;
      const slice = this.span() >= 2 * HOUR ? HOUR : this.span() / 4;
      this.setMode('compare');
      // One millisecond short of the slice: a profile that starts exactly where the slice ends belongs to the next.
      this.base = [this.data.fromMs, this.data.fromMs + slice - 1];
      this.comp = [this.data.toMs - slice + 1, this.data.toMs];
      this.drawSelections();
      this.runDiff();
    }

    // The comparison becomes the page's custom range and the baseline the Compare panel's custom baseline.
    runDiff() {
      change($('range'), 'custom');
      $('from').value = toLocalInput(this.comp[0]);
      $('to').value = toLocalInput(this.comp[1]);
      const toggle = $('compare-toggle');
      if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event('change')); }
      $('base-service').value = $('service').value;
      change($('base-range'), 'custom');
      $('base-from').value = toLocalInput(this.base[0]);
      $('base-to').value = toLocalInput(this.base[1]);
      $('run-diff').click();
    }
  }

  const host = $('timeline');
  if (!host) return;
  const panel = new TimelinePanel(host);
  document.addEventListener('otel-profiles:view', (e) => {
    const query = new URLSearchParams(e.detail.query);
    // The gauge choice matters only for in-use memory; offer it only there.
    const gaugeLabel = $('gauge') && $('gauge').closest('label');
    if (gaugeLabel) gaugeLabel.hidden = !/(^|:)inuse_/.test(query.get('type') || '');
    panel.load(e.detail.query);
  });
  if ($('gauge')) $('gauge').addEventListener('change', () => $('show').click());
  global.OtelTimeline = { panel: panel, toLocalInput: toLocalInput };
})(window);
