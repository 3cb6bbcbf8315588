// The vitstream dashboard: polls api/state every second and draws plain SVG. No dependencies.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var W = 480, H = 200, M = { l: 44, r: 12, t: 10, b: 24 };

  function $(id) { return document.getElementById(id); }

  function node(name, attrs, parent, text) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function html(name, attrs, parent, text) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function fmt(x, digits) { return x === null || x === undefined ? '–' : x.toFixed(digits); }

  /** The smallest 1, 2 or 5 times a power of ten at or above v. */
  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= v) { return steps[i] * p; } }
    return 10 * p;
  }

  /** Axes and grid for x in [0, xMax] seconds and y in [0, yMax]; returns the scales. */
  function frame(svg, xMax, yMax, yFormat, noXLabels) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var sx = function (x) { return M.l + (W - M.l - M.r) * x / xMax; };
    var sy = function (y) { return H - M.b - (H - M.t - M.b) * y / yMax; };
    for (var i = 0; i <= 4; i++) {
      var y = yMax * i / 4;
      node('line', { 'class': i === 0 ? 'axis' : 'grid', x1: M.l, x2: W - M.r, y1: sy(y), y2: sy(y) }, svg);
      node('text', { x: M.l - 4, y: sy(y) + 3, 'text-anchor': 'end' }, svg, yFormat(y));
    }
    for (var j = 0; !noXLabels && j <= 4; j++) {
      var x = xMax * j / 4;
      node('text', { x: sx(x), y: H - 8, 'text-anchor': 'middle' }, svg, x.toFixed(xMax < 8 ? 1 : 0) + ' s');
    }
    node('line', { 'class': 'axis', x1: M.l, x2: M.l, y1: M.t, y2: H - M.b }, svg);
    return { x: sx, y: sy };
  }

  function path(svg, scale, points, cls) {
    if (points.length === 0) { return; }
    var d = points.map(function (p, i) {
      return (i === 0 ? 'M' : 'L') + scale.x(p[0]).toFixed(1) + ',' + scale.y(p[1]).toFixed(1);
    }).join(' ');
    if (points.length === 1) { d += ' l0.1,0'; }
    node('path', { 'class': 'line ' + cls, d: d, 'stroke-linecap': 'round' }, svg);
  }

  function seconds(s, tMs) { return (tMs - s.startMs) / 1000; }

  /** The middle of a series point's bucket, in seconds from the start. */
  function mid(s, p) { return seconds(s, p.tMs + s.bucketMs / 2); }

  /** The last second with data: the charts keep their scale once the stream goes quiet. */
  function xMaxOf(s) {
    var last = s.startMs;
    s.series.forEach(function (p) { last = Math.max(last, p.tMs + s.bucketMs); });
    s.windows.forEach(function (w) { last = Math.max(last, w.endMs); });
    s.markers.forEach(function (m) { last = Math.max(last, m.tMs); });
    return Math.max(1, seconds(s, last));
  }

  function throughput(s) {
    var pts = s.series.map(function (p) { return [mid(s, p), p.perSecond]; });
    var yMax = niceMax(Math.max.apply(null, [1].concat(pts.map(function (p) { return p[1]; }))));
    var svg = $('chart-throughput');
    path(svg, frame(svg, xMaxOf(s), yMax, function (y) { return y.toFixed(0); }), pts, 'throughput');
  }

  function latency(s) {
    var p50 = s.series.map(function (p) { return [mid(s, p), p.p50Ms]; });
    var p99 = s.series.map(function (p) { return [mid(s, p), p.p99Ms]; });
    var yMax = niceMax(Math.max.apply(null, [1].concat(p99.map(function (p) { return p[1]; }))));
    var svg = $('chart-latency');
    var scale = frame(svg, xMaxOf(s), yMax, function (y) { return y.toFixed(0); });
    path(svg, scale, p50, 'p50');
    path(svg, scale, p99, 'p99');
  }

  function accuracy(s) {
    var svg = $('chart-accuracy');
    var xMax = xMaxOf(s);
    var scale = frame(svg, xMax, 1, function (y) { return y.toFixed(2); });
    s.markers.forEach(function (m) {
      var x = seconds(s, m.tMs);
      if (x < 0 || x > xMax) { return; }
      var g = node('g', { 'class': 'mark ' + m.kind }, svg);
      node('title', {}, g, m.text);
      node('line', { 'class': 'marker ' + m.kind, x1: scale.x(x), x2: scale.x(x), y1: M.t, y2: H - M.b }, g);
      node('line', { 'class': 'marker-hit', x1: scale.x(x), x2: scale.x(x), y1: M.t, y2: H - M.b }, g);
      node('text', { x: scale.x(x) + 3, y: M.t + 9, 'class': m.kind }, g, m.kind === 'drift' ? 'drift' : 'v' + m.version);
    });
    var pts = s.windows.map(function (w) { return [seconds(s, w.endMs), w.accuracy]; });
    path(svg, scale, pts, 'accuracy');
    s.windows.forEach(function (w, i) {
      var c = node('circle', { 'class': 'dot', cx: scale.x(pts[i][0]), cy: scale.y(w.accuracy), r: w.complete ? 3 : 2 }, svg);
      node('title', {}, c, 'predictions ' + w.first + '–' + (w.first + w.count - 1) + ': accuracy '
        + w.accuracy.toFixed(3) + ' (' + w.correct + '/' + w.count + ', ' + w.versions + ')'
        + (w.complete ? '' : ', still filling'));
    });
    var list = $('events');
    list.textContent = '';
    s.markers.slice().reverse().forEach(function (m) {
      var li = html('li', { 'class': m.kind }, list);
      html('b', {}, li, m.kind.replace('_', ' '));
      li.appendChild(document.createTextNode(' at ' + fmt(seconds(s, m.tMs), 1) + ' s: ' + m.text));
    });
  }

  function batches(s) {
    var svg = $('chart-batches');
    var bars = s.batchSizes;
    var yMax = niceMax(Math.max.apply(null, [1].concat(bars.map(function (b) { return b.images; }))));
    var n = Math.max(1, bars.length);
    var scale = frame(svg, n, yMax, function (y) { return y.toFixed(0); }, true);
    var every = Math.ceil(n / 16);
    bars.forEach(function (b, i) {
      var x0 = scale.x(i) + 1, x1 = scale.x(i + 1) - 1;
      var r = node('rect', { 'class': 'bar', x: x0, width: Math.max(1, x1 - x0), y: scale.y(b.images), height: scale.y(0) - scale.y(b.images) }, svg);
      node('title', {}, r, b.images + ' images in batches of ' + b.size);
      if (i % every === 0) {
        node('text', { x: (x0 + x1) / 2, y: H - 8, 'text-anchor': 'middle' }, svg, String(b.size));
      }
    });
  }

  function confusion(s) {
    var table = $('confusion');
    table.textContent = '';
    var labels = s.confusion.labels;
    if (labels.length === 0) { return; }
    var head = html('tr', {}, html('thead', {}, table));
    html('th', {}, head, '');
    labels.forEach(function (l) { html('th', { title: 'predicted ' + l }, head, l); });
    var body = html('tbody', {}, table);
    s.confusion.counts.forEach(function (row, i) {
      var tr = html('tr', {}, body);
      html('th', { title: 'true ' + labels[i] }, tr, labels[i]);
      var total = row.reduce(function (a, b) { return a + b; }, 0) || 1;
      row.forEach(function (n, j) {
        var td = html('td', { 'class': 'cell' + (i === j ? ' diag' : ''), 'data-count': n }, tr, n ? String(n) : '');
        var a = n / total;
        td.style.background = i === j ? 'rgba(46,158,91,' + a + ')' : 'rgba(210,60,60,' + a + ')';
      });
    });
  }

  function thumbnails(s) {
    var box = $('thumbnails');
    box.textContent = '';
    s.thumbnails.forEach(function (t) {
      var d = html('div', { 'class': 'thumb' }, box);
      html('img', { src: t.png, alt: t.imageId, title: t.imageId }, d);
      var top = t.topK[0];
      var right = t.truth === undefined || t.truth === null ? '' :
        (t.truth === top.label || t.truth === String(top.index) ? 'right' : 'wrong');
      html('div', { 'class': right }, d, top.label + ' ' + (100 * top.score).toFixed(0) + '%');
      t.topK.slice(1, 3).forEach(function (k) {
        html('div', { 'class': 'k' }, d, k.label + ' ' + (100 * k.score).toFixed(0) + '%');
      });
      if (right === 'wrong') { html('div', { 'class': 'k' }, d, 'true: ' + t.truth); }
    });
  }

  function deadLetters(s) {
    var body = $('dead-letters').tBodies[0];
    body.textContent = '';
    if (s.deadLetters.length === 0) {
      html('td', { 'class': 'empty' }, html('tr', {}, body), 'none');
    }
    s.deadLetters.forEach(function (r) {
      var tr = html('tr', {}, body);
      html('td', {}, tr, r.reason);
      html('td', { 'class': 'count' }, tr, String(r.count));
    });
  }

  function render(s) {
    $('predictions').textContent = String(s.totals.predictions);
    $('throughput').textContent = fmt(s.latest.throughput, 0);
    $('p50').textContent = fmt(s.latest.p50Ms, 1);
    $('p99').textContent = fmt(s.latest.p99Ms, 1);
    $('accuracy').textContent = fmt(s.latest.accuracy, 3);
    $('labelled').textContent = String(s.totals.labelled);
    $('model-version').textContent = s.totals.predictions ? 'v' + s.totals.modelVersion : '–';
    $('dead-letter-count').textContent = String(s.totals.deadLetters);
    if (s.startMs === 0) { s.startMs = s.nowMs; }
    throughput(s);
    latency(s);
    accuracy(s);
    batches(s);
    confusion(s);
    thumbnails(s);
    deadLetters(s);
  }

  function poll() {
    fetch('api/state', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (s) {
        render(s);
        $('status').textContent = 'live, updated ' + new Date(s.nowMs).toLocaleTimeString();
        $('status').className = 'status';
      })
      .catch(function (e) {
        $('status').textContent = 'disconnected (' + e.message + '), retrying';
        $('status').className = 'status error';
      })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
