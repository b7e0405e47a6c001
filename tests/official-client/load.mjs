// Load driver for the real Fabric network with Hyperledger's official Node gateway client: submits
// CreateAsset on roaming-emea (2-of-3 endorsement) and evaluates ReadAsset at several concurrency
// levels, and prints throughput and latency percentiles per level. A reference for what the
// network itself allows, to compare the project's own client and REST API against.
//
//   node load.mjs [submits per level, default 200] [levels, default 1,8,32]
import { readFileSync } from 'node:fs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';

const count = Number(process.argv[2] ?? 200);
const levels = (process.argv[3] ?? '1,8,32').split(',').map(Number);
const network = JSON.parse(readFileSync(new URL('../../.run/network.json', import.meta.url), 'utf8'));
const o = network.orgs.find((x) => x.mspId === 'Org1MSP');
const client = new grpc.Client(o.gatewayEndpoint, grpc.credentials.createSsl(readFileSync(o.tlsRootCertFile)), {
  'grpc.ssl_target_name_override': o.tlsServerName,
});
const gateway = connect({
  client,
  identity: { mspId: o.mspId, credentials: readFileSync(o.clientCertFile) },
  signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(o.clientKeyFile))),
  hash: hash.sha256,
});
const contract = gateway.getNetwork('roaming-emea').getContract('example');

async function measure(label, concurrency, op) {
  const latencies = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      const t = process.hrtime.bigint();
      await op(i);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(`| ${label} | ${concurrency} | ${count} | ${(count / seconds).toFixed(1)} | ${p(0.5)} | ${p(0.95)} |`);
}

console.log('| operation | concurrency | calls | per second | p50 ms | p95 ms |');
console.log('|---|---|---|---|---|---|');
const run = randomUUID().slice(0, 8);
for (const c of levels) {
  await measure('submit CreateAsset (endorse+order+commit)', c, (i) => contract.submitTransaction('CreateAsset', `load-${run}-${c}-${i}`, 'AAAA1', String(i)));
}
for (const c of levels) {
  await measure('evaluate ReadAsset', c, (i) => contract.evaluateTransaction('ReadAsset', `load-${run}-${levels[0]}-${i % count}`));
}
gateway.close();
client.close();
