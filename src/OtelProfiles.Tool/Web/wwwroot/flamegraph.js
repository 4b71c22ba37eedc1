/*
 * otel-profiles flame graph: a dependency-free, DOM-based icicle graph (root on top) with zoom, search, tooltips
 * and a top-functions table. Used by the web UI (app.js) and inlined into the static HTML files, so it must not
 * fetch anything. Frames are absolutely positioned divs: easy to inspect, to test, and fast enough once frames
 * narrower than half a pixel are skipped.
 *
 * Tree nodes: {n: name, v: total, s: self, b: baseline total, bs: baseline self, c: [children]}.
 */
(function (global) {
  'use strict';

  const ROW = 18;

  function fmt(value) { return Math.round(value).toLocaleString('en-US'); }
  function pct(value, total) { return total > 0 ? (100 * value / total).toFixed(2) + '%' : '0.00%'; }

  // Same FNV-1a hash and palette as the SVG writer, so a function keeps its color across outputs.
  function nameColor(name) {
    let hash = 2166136261;
    for (let i = 0; i < name.length; i++) {
      hash = Math.imul(hash ^ name.charCodeAt(i), 16777619) >>> 0;
    }
    const r = 205 + (hash % 50), g = 80 + ((hash >>> 8) % 120), b = 40 + ((hash >>> 16) % 40);
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  // Red: the function's share of the total grew from baseline to comparison; green: it shrank.
  function diffColor(node, root) {
    const before = root.b > 0 ? (node.b || 0) / root.b : 0;
    const after = root.v > 0 ? node.v / root.v : 0;
    const delta = Math.max(-1, Math.min(1, (after - before) * 4));
    const strength = Math.round(Math.abs(delta) * 160);
    return delta >= 0 ? 'rgb(230,' + (225 - strength) + ',' + (225 - strength) + ')'
                      : 'rgb(' + (225 - strength) + ',230,' + (225 - strength) + ')';
  }

  // Parent links and layout weights. A diff lays out by the average of both normalized sides, so a function that
  // vanished (or appeared) still has width and can be seen.
  function prepare(tree, diff) {
    const total = tree.v || 0, base = tree.b || 0;
    const stack = [[tree, null, 0]];
    while (stack.length) {
      const [node, parent, depth] = stack.pop();
      node.parent = parent;
      node.depth = depth;
      node.w = diff ? ((total > 0 ? node.v / total : 0) + (base > 0 ? (node.b || 0) / base : 0)) / 2 : node.v;
      for (const child of node.c || []) stack.push([child, node, depth + 1]);
    }
  }

  // Per function: self, and total counted once per path even under recursion.
  function topFunctions(tree) {
    const rows = new Map();
    const onPath = new Map();
    function row(name) {
      let r = rows.get(name);
      if (!r) { r = { name: name, self: 0, total: 0, bself: 0, btotal: 0 }; rows.set(name, r); }
      return r;
    }
    (function walk(node, isRoot) {
      if (!isRoot) {
        const r = row(node.n);
        const depth = onPath.get(node.n) || 0;
        if (depth === 0) { r.total += node.v; r.btotal += node.b || 0; }
        r.self += node.s || 0;
        r.bself += node.bs || 0;
        onPath.set(node.n, depth + 1);
      }
      for (const child of node.c || []) walk(child, false);
      if (!isRoot) onPath.set(node.n, onPath.get(node.n) - 1);
    })(tree, true);
    return Array.from(rows.values());
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  class FlameGraphPanel {
    constructor(host) {
      this.host = host;
      host.classList.add('fg-panel');
      host.textContent = '';
      const toolbar = el('div', 'fg-toolbar');
      this.searchInput = el('input', 'fg-search');
      this.searchInput.placeholder = 'Search functions (substring)';
      this.searchInput.type = 'search';
      this.searchInput.addEventListener('input', () => this.search(this.searchInput.value));
      this.resetButton = el('button', 'fg-reset', 'Reset zoom');
      this.resetButton.addEventListener('click', () => this.zoom(this.tree));
      this.status = el('span', 'fg-status');
      toolbar.append(this.searchInput, this.resetButton, this.status);
      this.legend = el('div', 'fg-legend');
      this.graph = el('div', 'fg-graph');
      this.tooltip = el('div', 'fg-tooltip');
      this.tooltip.hidden = true;
      this.table = el('table', 'fg-top');
      // The table scrolls inside its own box (sticky header) instead of making the page thousands of pixels tall.
      this.tableBox = el('div', 'fg-top-box');
      this.tableBox.append(this.table);
      host.append(toolbar, this.legend, this.graph, this.tooltip, this.tableBox);
      this.graph.addEventListener('click', (e) => {
        const frame = e.target.closest('.fg-frame');
        if (frame && frame.fgNode) this.zoom(frame.fgNode);
      });
      this.graph.addEventListener('mousemove', (e) => this.hover(e));
      this.graph.addEventListener('mouseleave', () => { this.tooltip.hidden = true; });
      this.sortKey = 'self';
      global.addEventListener('resize', () => { if (this.tree) this.render(); });
    }

    /** data: {tree, unit, diff} */
    show(data) {
      this.tree = data.tree;
      this.unit = data.unit || '';
      this.diff = !!data.diff;
      prepare(this.tree, this.diff);
      this.focus = this.tree;
      this.sortKey = this.diff ? 'delta' : 'self';
      // Built from nodes, never from markup: the unit (like every name) is a string a sender chose.
      this.legend.textContent = '';
      if (this.diff) {
        this.legend.append('Diff: width = average share of both sides; ', el('span', 'up', 'red'),
          ' = larger share in the comparison, ', el('span', 'down', 'green'), ' = smaller. Baseline total ' +
          fmt(this.tree.b || 0) + ' ' + this.unit + ', comparison total ' + fmt(this.tree.v) + ' ' + this.unit + '.');
      } else {
        this.legend.append('Total ' + fmt(this.tree.v) + ' ' + this.unit + '. Click a frame to zoom, hover for details.');
      }
      this.render();
      this.search(this.searchInput.value);
      this.renderTop();
    }

    zoom(node) {
      if (!node) return;
      this.focus = node;
      this.render();
      this.search(this.searchInput.value);
    }

    render() {
      const graph = this.graph;
      graph.textContent = '';
      graph.classList.toggle('fg-searching', !!this.query);
      if (!this.tree || this.tree.v + (this.tree.b || 0) === 0) {
        graph.style.height = '40px';
        graph.append(el('div', 'message', 'No samples in this selection.'));
        this.status.textContent = '';
        return;
      }
      const width = graph.clientWidth || 1000;
      const minFraction = 0.5 / width;
      const ancestors = [];
      for (let n = this.focus.parent; n; n = n.parent) ancestors.unshift(n);
      ancestors.forEach((node, depth) => this.addFrame(node, 0, 1, depth, true, width));
      let maxDepth = ancestors.length;
      const stack = [[this.focus, 0, 1, ancestors.length]];
      const fragment = document.createDocumentFragment();
      while (stack.length) {
        const [node, x, w, depth] = stack.pop();
        fragment.append(this.frame(node, x, w, depth, false, width));
        if (depth > maxDepth) maxDepth = depth;
        let childX = x;
        for (const child of node.c || []) {
          const childW = node.w > 0 ? w * child.w / node.w : 0;
          if (childW >= minFraction) stack.push([child, childX, childW, depth + 1]);
          childX += childW;
        }
      }
      graph.append(fragment);
      graph.style.height = ((maxDepth + 1) * ROW + 2) + 'px';
      this.updateStatus();
    }

    updateStatus() {
      this.status.textContent = !this.tree || this.focus === this.tree ? '' :
        'Zoomed into ' + this.focus.n + ' (' + pct(this.focus.v, this.tree.v) + ' of all)';
    }

    addFrame(node, x, w, depth, ancestor, width) { this.graph.append(this.frame(node, x, w, depth, ancestor, width)); }

    frame(node, x, w, depth, ancestor, width) {
      const div = el('div', ancestor ? 'fg-frame fg-ancestor' : 'fg-frame');
      div.style.left = (x * 100) + '%';
      div.style.width = (w * 100) + '%';
      div.style.top = (depth * ROW) + 'px';
      div.style.background = this.diff ? diffColor(node, this.tree) : (node.parent ? nameColor(node.n) : '#d6d9de');
      if (w * width > 18) div.textContent = node.n;
      div.dataset.name = node.n;
      div.fgNode = node;
      if (this.query && node.n.toLowerCase().includes(this.query)) div.classList.add('fg-match');
      return div;
    }

    hover(e) {
      const frame = e.target.closest('.fg-frame');
      if (!frame || !frame.fgNode) { this.tooltip.hidden = true; return; }
      const n = frame.fgNode, root = this.tree, u = ' ' + this.unit;
      let text;
      if (this.diff) {
        const before = root.b > 0 ? 100 * (n.b || 0) / root.b : 0, after = root.v > 0 ? 100 * n.v / root.v : 0;
        text = n.n + '\nBaseline:   ' + fmt(n.b || 0) + u + ' (' + before.toFixed(2) + '%), self ' + fmt(n.bs || 0) +
          '\nComparison: ' + fmt(n.v) + u + ' (' + after.toFixed(2) + '%), self ' + fmt(n.s || 0) +
          '\nChange:     ' + (after - before >= 0 ? '+' : '') + (after - before).toFixed(2) + ' percentage points';
      } else {
        text = n.n + '\nTotal: ' + fmt(n.v) + u + ' (' + pct(n.v, root.v) + ')' + '\nSelf:  ' + fmt(n.s || 0) + u + ' (' + pct(n.s || 0, root.v) + ')';
        if (this.focus !== root) text += '\nOf zoomed: ' + pct(n.v, this.focus.v);
      }
      this.tooltip.textContent = text;
      this.tooltip.hidden = false;
      const x = Math.min(e.clientX + 14, global.innerWidth - 420);
      this.tooltip.style.left = Math.max(0, x) + 'px';
      this.tooltip.style.top = (e.clientY + 16) + 'px';
    }

    search(text) {
      this.query = (text || '').trim().toLowerCase();
      this.graph.classList.toggle('fg-searching', !!this.query);
      for (const frame of this.graph.querySelectorAll('.fg-frame')) {
        frame.classList.toggle('fg-match', !!this.query && frame.dataset.name.toLowerCase().includes(this.query));
      }
      if (!this.tree) return;
      if (!this.query) { this.updateStatus(); return; }
      let matched = 0;
      (function walk(node, query) {
        if (node.parent && node.n.toLowerCase().includes(query)) { matched += node.v; return; }
        for (const child of node.c || []) walk(child, query);
      })(this.tree, this.query);
      this.status.textContent = 'Matched ' + fmt(matched) + ' ' + this.unit + ' (' + pct(matched, this.tree.v) + ' of all)';
    }

    renderTop() {
      const rows = topFunctions(this.tree);
      const root = this.tree;
      const diff = this.diff;
      const columns = diff
        ? [['name', 'Function'], ['bshare', 'Baseline total %'], ['share', 'Comparison total %'], ['delta', 'Change (points)']]
        : [['name', 'Function'], ['self', 'Self'], ['selfp', 'Self %'], ['total', 'Total'], ['totalp', 'Total %']];
      for (const r of rows) {
        r.share = root.v > 0 ? 100 * r.total / root.v : 0;
        r.bshare = root.b > 0 ? 100 * r.btotal / root.b : 0;
        r.delta = r.share - r.bshare;
      }
      const key = this.sortKey;
      const sortValue = (r) => key === 'selfp' ? r.self : key === 'totalp' ? r.total : key === 'delta' ? Math.abs(r.delta) : r[key];
      rows.sort((a, b) => key === 'name' ? a.name.localeCompare(b.name) : sortValue(b) - sortValue(a));
      this.table.textContent = '';
      const head = el('tr');
      for (const [id, label] of columns) {
        const th = el('th', id === 'name' ? 'name' : '', label + (id === key ? ' ▾' : ''));
        th.dataset.sort = id;
        th.addEventListener('click', () => { this.sortKey = id; this.renderTop(); });
        head.append(th);
      }
      const thead = el('thead'); thead.append(head);
      const tbody = el('tbody');
      for (const r of rows.slice(0, 200)) {
        const tr = el('tr');
        const values = diff
          ? [r.name, r.bshare.toFixed(2) + '%', r.share.toFixed(2) + '%', (r.delta >= 0 ? '+' : '') + r.delta.toFixed(2)]
          : [r.name, fmt(r.self), pct(r.self, root.v), fmt(r.total), pct(r.total, root.v)];
        values.forEach((v, i) => tr.append(el('td', i === 0 ? 'name' : '', v)));
        tr.addEventListener('click', () => { this.searchInput.value = r.name; this.search(r.name); });
        tbody.append(tr);
      }
      this.table.append(thead, tbody);
    }
  }

  global.OtelFlameGraph = { FlameGraphPanel: FlameGraphPanel, topFunctions: topFunctions, nameColor: nameColor };
})(window);
