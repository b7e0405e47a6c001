// The regulator's dashboard: signs in with an API key (kept in sessionStorage), reads /v1/audit/dashboard for the chosen
// UTC days and draws it with Chart.js (served by the API itself). window.dashboard exposes what tests look at.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const palette = ['#1d3557', '#e63946', '#2a9d8f', '#f4a261', '#6a4c93', '#8ab17d', '#457b9d', '#e9c46a'];
  const charts = {};
  const state = { key: sessionStorage.getItem('restcomm-key'), data: null, loads: 0 };
  window.dashboard = state;

  const day = (d) => d.toISOString().slice(0, 10);
  const today = new Date();
  $('to').value = day(today);
  $('from').value = day(new Date(today.getTime() - 29 * 86400000));

  async function get(path) {
    const response = await fetch(path, { headers: { Authorization: 'Bearer ' + state.key } });
    if (response.status === 401 || response.status === 403) {
      const problem = await response.json().catch(() => ({}));
      throw Object.assign(new Error(problem.detail || 'The key was refused.'), { refused: true });
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || ('HTTP ' + response.status));
    }
    return response.json();
  }

  function series(map) {
    return Object.keys(map).sort().map((name, i) => ({ label: name, data: map[name], backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length] }));
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...(config.options || {}) } });
  }

  function render(data) {
    const days = data.days;
    draw('chart-eir-reports', { type: 'bar', data: { labels: days, datasets: series(data.eirReports) }, options: { scales: { x: { stacked: true }, y: { stacked: true } } } });
    draw('chart-eir-clears', { type: 'bar', data: { labels: days, datasets: series(data.eirClears) }, options: { scales: { x: { stacked: true }, y: { stacked: true } } } });
    draw('chart-lists', { type: 'line', data: { labels: days, datasets: series({ black: data.listSizes.black, grey: data.listSizes.grey }) } });
    draw('chart-ports', { type: 'bar', data: { labels: days, datasets: series(data.ports) } });
    draw('chart-port-hours', { type: 'line', data: { labels: days, datasets: [{ label: 'hours', data: data.portHours, borderColor: palette[2], spanGaps: true }] } });
    draw('chart-published', { type: 'bar', data: { labels: days, datasets: series(data.published) }, options: { scales: { x: { stacked: true }, y: { stacked: true } } } });
    draw('chart-lag', { type: 'bar', data: { labels: data.anchoring.map((l) => l.source), datasets: [{ label: 'blocks behind', data: data.anchoring.map((l) => l.blocksBehind), backgroundColor: palette[3] }, { label: 'anchored to block', data: data.anchoring.map((l) => l.anchoredTo), backgroundColor: palette[0] }] } });
    const v = data.verification;
    draw('chart-verification', { type: 'doughnut', data: { labels: ['verified', 'failed', 'unverified'], datasets: [{ data: [v.verified, v.failed, v.unverified], backgroundColor: ['#2a9d8f', '#e63946', '#adb5bd'] }] } });

    const body = $('anchors').querySelector('tbody');
    body.replaceChildren(...data.anchors.map((a) => {
      const row = document.createElement('tr');
      const status = a.verified === true ? ['ok', 'verified'] : a.verified === false ? ['failed', 'FAILED'] : ['', 'not yet'];
      for (const text of [a.anchor.id, String(a.anchor.changeCount), a.anchor.anchoredBy, a.anchor.anchoredAt.replace('T', ' ').slice(0, 19)]) {
        const cell = document.createElement('td'); cell.textContent = text; row.append(cell);
      }
      const cell = document.createElement('td'); cell.textContent = status[1]; cell.className = status[0]; row.append(cell);
      row.addEventListener('click', () => drill(a.anchor.id));
      return row;
    }));
  }

  async function drill(id) {
    const detail = $('verification-detail');
    detail.hidden = false;
    detail.textContent = 'Verifying ' + id + ' against the source ledger…';
    try {
      const result = await get('/v1/audit/anchors/' + encodeURIComponent(id) + '/verification');
      detail.textContent = (result.verified ? 'VERIFIED: ' : 'FAILED: ') + result.summary + '\n\n' + JSON.stringify(result, null, 2);
    } catch (e) {
      detail.textContent = e.message;
    }
  }

  async function load() {
    $('status').textContent = 'loading…';
    const started = performance.now();
    const data = await get('/v1/audit/dashboard?from=' + $('from').value + '&to=' + $('to').value);
    state.data = data;
    render(data);
    state.loads++;
    state.lastLoadMs = Math.round(performance.now() - started);
    $('status').textContent = data.from + ' – ' + data.to + ' (' + state.lastLoadMs + ' ms)';
    document.body.dataset.loaded = String(state.loads);
  }

  async function signIn(key) {
    state.key = key;
    try {
      const me = await get('/v1/me');
      sessionStorage.setItem('restcomm-key', key);
      $('who').textContent = me.organisation;
      $('signin').hidden = true;
      $('board').hidden = false;
      $('signin-error').hidden = true;
      await load();
    } catch (e) {
      sessionStorage.removeItem('restcomm-key');
      state.key = null;
      $('signin').hidden = false;
      $('board').hidden = true;
      $('signin-error').textContent = e.refused ? 'Refused: ' + e.message : e.message;
      $('signin-error').hidden = false;
    }
  }

  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('key').value.trim()); });
  $('range').addEventListener('submit', (e) => { e.preventDefault(); load().catch((err) => { $('status').textContent = err.message; }); });
  $('signout').addEventListener('click', () => { sessionStorage.removeItem('restcomm-key'); location.reload(); });
  if (state.key) signIn(state.key);
})();
