// Renders the app's own OpenAPI document; no external scripts (the gateway may run offline).
(function () {
  'use strict';
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  };
  const refName = ref => ref.split('/').pop();

  function schemaText(schema, doc, depth) {
    if (!schema) return '';
    depth = depth || 0;
    if (schema.$ref) {
      const target = doc.components && doc.components.schemas && doc.components.schemas[refName(schema.$ref)];
      return depth > 2 || !target ? refName(schema.$ref) : schemaText(target, doc, depth);
    }
    // A value that may be null, or one of several shapes: oneOf/anyOf [{type: null}, {$ref}] and the like.
    const choices = schema.oneOf || schema.anyOf;
    if (choices) {
      const shown = choices.filter(c => c.type !== 'null').map(c => schemaText(c, doc, depth));
      return shown.join(' | ') + (shown.length < choices.length ? ' | null' : '');
    }
    if (schema.allOf) return schema.allOf.map(c => schemaText(c, doc, depth)).join(' & ');
    if (schema.enum) return schema.enum.map(v => JSON.stringify(v)).join(' | ');
    const type = Array.isArray(schema.type) ? schema.type.filter(t => t !== 'null').join('|') : schema.type;
    if (type === 'array') return schemaText(schema.items, doc, depth + 1) + '[]';
    if (schema.properties) {
      const pad = '  '.repeat(depth + 1);
      const fields = Object.entries(schema.properties).map(([name, s]) => pad + name + ': ' + schemaText(s, doc, depth + 1));
      return '{\n' + fields.join(',\n') + '\n' + '  '.repeat(depth) + '}';
    }
    if (schema.additionalProperties) return 'map<string, ' + schemaText(schema.additionalProperties, doc, depth + 1) + '>';
    return (type || 'any') + (schema.format ? ' (' + schema.format + ')' : '');
  }

  function renderOperation(path, method, op, doc) {
    const scope = op['x-required-scope'];
    const box = el('div', { class: 'op', id: op.operationId || (method + path) },
      el('h3', {}, el('span', { class: 'method ' + method.toUpperCase() }, method.toUpperCase()), el('code', {}, path),
        scope ? el('span', { class: 'scope' }, 'scope: ' + scope) : el('span', { class: 'scope' }, 'no key needed')));
    if (op.summary) box.append(el('p', {}, op.summary));
    if (op.description) box.append(el('p', {}, op.description.replace(/`/g, '')));
    if (op.parameters && op.parameters.length) {
      const rows = op.parameters.map(p => el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.required ? 'required' : 'optional'),
        el('td', {}, schemaText(p.schema, doc)), el('td', {}, p.description || '')));
      box.append(el('table', {}, el('thead', {}, el('tr', {}, ['name', 'in', '', 'type', ''].map(h => el('th', {}, h)))), el('tbody', {}, rows)));
    }
    const body = op.requestBody && op.requestBody.content && (op.requestBody.content['application/json'] || Object.values(op.requestBody.content)[0]);
    if (body) box.append(el('p', {}, 'Request body:'), el('pre', {}, schemaText(body.schema, doc)));
    const responses = Object.entries(op.responses || {}).map(([status, r]) => {
      const content = r.content && (r.content['application/json'] || Object.values(r.content)[0]);
      return el('tr', {}, el('td', {}, status), el('td', {}, r.description || ''), el('td', {}, content && content.schema ? el('pre', {}, schemaText(content.schema, doc)) : ''));
    });
    box.append(el('table', {}, el('thead', {}, el('tr', {}, ['status', 'meaning', 'body'].map(h => el('th', {}, h)))), el('tbody', {}, responses)));
    return box;
  }

  fetch('/openapi/v1.json').then(r => r.json()).then(doc => {
    document.getElementById('intro').textContent = (doc.info && doc.info.description) || '';
    const byTag = {};
    Object.entries(doc.paths || {}).forEach(([path, item]) => {
      ['get', 'post', 'put', 'patch', 'delete'].forEach(method => {
        const op = item[method];
        if (!op) return;
        const tag = (op.tags && op.tags[0]) || 'Other';
        (byTag[tag] = byTag[tag] || []).push(renderOperation(path, method, op, doc));
      });
    });
    const main = document.getElementById('operations');
    const toc = document.getElementById('toc');
    Object.keys(byTag).sort().forEach(tag => {
      toc.append(el('a', { href: '#tag-' + tag }, tag));
      // append() takes nodes, not an array: an array would be rendered as its text '[object HTMLDivElement]'.
      main.append(el('h2', { id: 'tag-' + tag }, tag), ...byTag[tag]);
    });
  }).catch(err => { document.getElementById('intro').textContent = 'Could not load the OpenAPI document: ' + err; });

  fetch('/problems').then(r => r.json()).then(list => {
    const body = document.querySelector('#problem-table tbody');
    list.forEach(p => body.append(el('tr', {}, el('td', {}, el('code', {}, p.type)), el('td', {}, p.status), el('td', {}, p.title))));
  }).catch(() => {});

  document.getElementById('send').addEventListener('click', () => {
    const method = document.getElementById('method').value;
    const headers = { 'Authorization': 'Bearer ' + document.getElementById('key').value };
    const init = { method, headers };
    if (method === 'POST') {
      headers['Content-Type'] = 'application/json';
      headers['Idempotency-Key'] = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now());
      init.body = document.getElementById('body').value;
    }
    const out = document.getElementById('response');
    out.textContent = '…';
    fetch(document.getElementById('path').value, init)
      .then(r => r.text().then(text => { out.textContent = r.status + ' ' + r.statusText + '\n\n' + text; }))
      .catch(err => { out.textContent = String(err); });
  });
})();
