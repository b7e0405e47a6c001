// The official Node gateway client's side of the client comparison (benchmarks: `client-compare`): submits
// CreateAsset on roaming-emea through Org1's gateway, `inFlight` at a time, each waiting for its commit, and prints
// one JSON line with committed transactions per second and this process's CPU time per committed transaction.
//
//   node compare.mjs NETWORK_JSON TRANSACTIONS IN_FLIGHT [WARM_UP]
import { readFileSync } from 'node:fs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';

const [networkJson, transactionsText, inFlightText, warmUpText] = process.argv.slice(2);
const transactions = Number(transactionsText ?? 2000);
const inFlight = Number(inFlightText ?? 64);
const warmUp = Number(warmUpText ?? 200);
const network = JSON.parse(readFileSync(networkJson, 'utf8'));
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
const run = randomUUID().slice(0, 8);

async function load(label, count) {
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) {
      const i = next++;
      try {
        await contract.submitTransaction('CreateAsset', `node-${run}-${label}-${i}`, 'owner', String(i));
      } catch {
        failed++;
      }
    }
  }));
  return failed;
}

await load('warm', warmUp);
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
const failed = await load('run', transactions);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const committed = transactions - failed;
console.log(JSON.stringify({
  client: 'node @hyperledger/fabric-gateway 1.11.0',
  transactions, inFlight, committed, failed,
  seconds: Number(seconds.toFixed(2)),
  committedPerSecond: Number((committed / seconds).toFixed(1)),
  cpuMsPerCommitted: Number(((used.user + used.system) / 1000 / committed).toFixed(3)),
}));
gateway.close();
client.close();
