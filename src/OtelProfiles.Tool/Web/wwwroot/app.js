/*
 * otel-profiles web UI: picks service, profile type, time range and attribute filters, fetches trees from the
 * receiver's JSON API (/api/...) and hands them to the shared flame graph panel. State that matters for sharing a
 * view (service, type) is read from the URL, so the demo can print a link straight to its flame graph.
 */
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const panel = new OtelFlameGraph.FlameGraphPanel($('flamegraph'));
  const params = new URLSearchParams(location.search);
  let services = [];
  let labels = {};
  const filters = [];

  function message(text, isError) {
    $('message').textContent = text || '';
    $('message').classList.toggle('error', !!isError);
  }

  async function getJson(url) {
    const response = await fetch(url);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || (response.status + ' ' + response.statusText));
    return body;
  }

  function fill(select, values, selected) {
    select.textContent = '';
    for (const value of values) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value;
      select.append(option);
    }
    if (selected && values.includes(selected)) select.value = selected;
  }

  function localInputToMs(input) { return input.value ? new Date(input.value).getTime() : null; }

  // The selected range as [fromMs, toMs]; nulls mean unbounded.
  function currentRange() {
    const range = $('range').value;
    if (range === 'all') return [null, null];
    if (range === 'custom') return [localInputToMs($('from')), localInputToMs($('to'))];
    const to = Date.now();
    return [to - Number(range), to];
  }

  function baselineRange() {
    const [from, to] = currentRange();
    const mode = $('base-range').value;
    if (mode === 'same') return [from, to];
    if (mode === 'custom') return [localInputToMs($('base-from')), localInputToMs($('base-to'))];
    if (from === null || to === null) throw new Error('"The period just before" needs a bounded time range; pick one, or a custom baseline.');
    return [from - (to - from), from];
  }

  function query(prefix, service, range) {
    const q = new URLSearchParams();
    const name = (n) => prefix ? prefix + n[0].toUpperCase() + n.slice(1) : n;
    q.set(name('service'), service);
    if (range[0] !== null) q.set(name('from'), String(Math.floor(range[0])));
    if (range[1] !== null) q.set(name('to'), String(Math.ceil(range[1])));
    for (const f of filters) q.append(name('filter'), f);
    if (!prefix) q.set('gauge', $('gauge').value); // in-use memory: average or latest snapshot, never the sum
    return q;
  }

  function selectedType() { return $('profile-type').value; }

  async function loadServices() {
    services = await getJson('/api/services');
    if (services.length === 0) {
      message('No profiles received yet. Point an app at this receiver (OTLP gRPC ' + location.hostname + ':4317 or HTTP ' + location.origin + '/v1development/profiles) and reload.');
      return false;
    }
    const names = services.map((s) => s.service);
    fill($('service'), names, params.get('service'));
    fill($('base-service'), names, params.get('service'));
    onServiceChanged(params.get('type'));
    return true;
  }

  function onServiceChanged(preferredType) {
    const service = services.find((s) => s.service === $('service').value);
    const types = service ? service.profileTypes : [];
    const fallback = types.find((t) => t.startsWith('cpu')) || types.find((t) => t.startsWith('wall')) || types[0];
    fill($('profile-type'), types, types.includes(preferredType) ? preferredType : fallback);
    $('base-service').value = $('service').value;
  }

  async function loadLabels() {
    const q = query('', $('service').value, currentRange());
    q.set('type', selectedType());
    labels = await getJson('/api/labels?' + q);
    fill($('filter-key'), [''].concat(Object.keys(labels)), $('filter-key').value);
    $('filter-key').options[0].textContent = '(attribute)';
    onFilterKeyChanged();
  }

  function onFilterKeyChanged() { fill($('filter-value'), labels[$('filter-key').value] || []); }

  function renderFilters() {
    const chips = $('filters');
    chips.textContent = '';
    filters.forEach((f, i) => {
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.textContent = f;
      const remove = document.createElement('button');
      remove.textContent = '×';
      remove.title = 'Remove filter';
      remove.addEventListener('click', () => { filters.splice(i, 1); renderFilters(); show(); });
      chip.append(remove);
      chips.append(chip);
    });
  }

  async function show() {
    if (!$('service').value) return;
    try {
      message('Loading…');
      const q = query('', $('service').value, currentRange());
      q.set('type', selectedType());
      const data = await getJson('/api/flamegraph?' + q);
      panel.show(data);
      document.dispatchEvent(new CustomEvent('otel-profiles:view', { detail: { query: q.toString() } })); // timeline.js
      message(data.profiles + ' profile' + (data.profiles === 1 ? '' : 's') + ' of ' + $('service').value + ', ' + selectedType() + (filters.length ? ', filtered by ' + filters.join(', ') : ''));
      history.replaceState(null, '', '?service=' + encodeURIComponent($('service').value) + '&type=' + encodeURIComponent(selectedType()));
    } catch (e) {
      message('Could not load the flame graph: ' + e.message, true);
    }
  }

  async function runDiff() {
    try {
      message('Loading diff…');
      const q = query('', $('service').value, currentRange());
      const base = query('base', $('base-service').value, baselineRange());
      for (const [k, v] of base) q.append(k, v);
      q.set('type', selectedType());
      const data = await getJson('/api/diff?' + q);
      panel.show(data);
      message('Diff of ' + selectedType() + ': baseline ' + $('base-service').value + ' (' + data.baseProfiles + ' profiles) vs comparison ' +
        $('service').value + ' (' + data.profiles + ' profiles)');
    } catch (e) {
      message('Could not load the diff: ' + e.message, true);
    }
  }

  $('service').addEventListener('change', () => { onServiceChanged(); loadLabels().catch(() => {}); show(); });
  $('profile-type').addEventListener('change', () => { loadLabels().catch(() => {}); show(); });
  $('range').addEventListener('change', () => {
    for (const e of document.querySelectorAll('.custom-range')) e.hidden = $('range').value !== 'custom';
    if ($('range').value !== 'custom') show();
  });
  $('filter-key').addEventListener('change', onFilterKeyChanged);
  $('add-filter').addEventListener('click', () => {
    if (!$('filter-key').value || !$('filter-value').value) return;
    const f = $('filter-key').value + '=' + $('filter-value').value;
    if (!filters.includes(f)) filters.push(f);
    renderFilters();
    show();
  });
  $('show').addEventListener('click', show);
  $('compare-toggle').addEventListener('change', () => { $('compare').hidden = !$('compare-toggle').checked; });
  $('base-range').addEventListener('change', () => {
    for (const e of document.querySelectorAll('.base-custom')) e.hidden = $('base-range').value !== 'custom';
  });
  $('run-diff').addEventListener('click', runDiff);

  loadServices()
    .then((any) => { if (any) { show(); loadLabels().catch(() => {}); } })
    .catch((e) => message('Could not reach the receiver API: ' + e.message, true));
})();
