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

    // Roaming statements: one bar group per period, one bar per pair; the net is seen from the pair's first operator.
    const periods = [...new Set(data.statements.map((p) => p.period))].sort();
    const pairs = {};
    for (const p of data.statements) {
      const name = p.sourceChannel + ': ' + p.partyA + ' / ' + p.partyB + ' (' + p.currency + ')';
      pairs[name] = pairs[name] || { count: periods.map(() => 0), net: periods.map(() => 0) };
      const i = periods.indexOf(p.period);
      pairs[name].count[i] += p.statements;
      pairs[name].net[i] += p.net;
    }
    draw('chart-statements', { type: 'bar', data: { labels: periods, datasets: series(Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, v.count]))) } });
    draw('chart-net', { type: 'bar', data: { labels: periods, datasets: series(Object.fromEntries(Object.entries(pairs).map(([k, v]) => [k, v.net]))) },
      options: { plugins: { tooltip: { callbacks: { footer: () => 'positive: the first operator receives' } } } } });
    $('statements').querySelector('tbody').replaceChildren(...data.statements.map((p) => {
      const row = document.createElement('tr');
      const net = p.netMinor === 0 ? 'even' : (p.netMinor > 0 ? p.partyB + ' pays ' + p.partyA : p.partyA + ' pays ' + p.partyB) + ' ' + Math.abs(p.net).toFixed(p.decimalPlaces) + ' ' + p.currency;
      for (const text of [p.sourceChannel, p.period, p.partyA + ' / ' + p.partyB, String(p.statements), String(p.batches), net]) {
        const cell = document.createElement('td'); cell.textContent = text; row.append(cell);
      }
      const cell = document.createElement('td');
      cell.textContent = p.disagreements === 0 ? 'agreed' : p.disagreements + ' disagree';
      cell.className = p.disagreements === 0 ? 'ok' : 'failed';
      row.append(cell);
      row.addEventListener('click', () => statementDrill(p));
      return row;
    }));

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

  async function statementDrill(position) {
    const detail = $('statement-detail');
    detail.hidden = false;
    detail.textContent = 'Reading the disclosures of ' + position.anchorIds.length + ' statement(s)…';
    try {
      const answers = await Promise.all(position.anchorIds.map((id) => get('/v1/audit/anchors/' + encodeURIComponent(id) + '/disclosures')));
      detail.textContent = answers.map((a) => a.anchorId + '\n' + a.disclosures.map((d) => '  ' + d.discloser + ': ' + (d.disclosure
        ? (d.disclosure.netMinor === 0 ? 'even' : d.disclosure.netPayerMspId + ' pays ' + d.disclosure.netPayeeMspId + ' ' + (d.disclosure.netMinor / 10 ** d.disclosure.decimalPlaces).toFixed(d.disclosure.decimalPlaces) + ' ' + d.disclosure.currency)
          + ', ' + d.disclosure.batches + ' batches, statement ' + d.disclosure.statementHash.slice(0, 16) + '…'
        : d.status + (d.error ? ': ' + d.error : ''))).join('\n')).join('\n\n');
    } catch (e) {
      detail.textContent = e.message;
    }
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
