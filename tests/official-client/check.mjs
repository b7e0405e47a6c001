// Independent check of the real Fabric network with Hyperledger's official Node gateway client
// (@hyperledger/fabric-gateway): drives the example chaincode through every path the C# shim
// and client must also get right, and prints one line per step. Exit status 0 = every step passed.
//
//   node check.mjs [path/to/.run/network.json]
//
// Needs `network.sh up` first (FABRIC_BIN set) and `npm install` in this folder.
import { readFileSync } from 'node:fs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';

const networkFile = process.argv[2] ?? new URL('../../.run/network.json', import.meta.url).pathname;
const network = JSON.parse(readFileSync(networkFile, 'utf8'));
if (network.kind !== 'fabric') throw new Error(`${networkFile} describes a '${network.kind}' network, not real Fabric`);
const org = (msp) => network.orgs.find((o) => o.mspId === msp);
const utf8 = new TextDecoder();
const deadline = (s) => ({ deadline: Date.now() + s * 1000 });

const open = [];
function gatewayFor(msp) {
  const o = org(msp);
  const client = new grpc.Client(o.gatewayEndpoint, grpc.credentials.createSsl(readFileSync(o.tlsRootCertFile)), {
    'grpc.ssl_target_name_override': o.tlsServerName,
  });
  const gateway = connect({
    client,
    identity: { mspId: msp, credentials: readFileSync(o.clientCertFile) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(o.clientKeyFile))),
    hash: hash.sha256,
    evaluateOptions: () => deadline(15),
    endorseOptions: () => deadline(30),
    submitOptions: () => deadline(15),
    commitStatusOptions: () => deadline(60),
  });
  open.push(gateway, client);
  return gateway;
}

let failures = 0;
async function step(name, fn) {
  try {
    const detail = await fn();
    console.log(`PASS ${name}${detail === undefined ? '' : ` -> ${detail}`}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e?.message ?? e}${e?.details ? ` ${JSON.stringify(e.details.map((d) => d.message))}` : ''}`);
  }
}
async function refused(fn, pattern) {
  try { await fn(); } catch (e) {
    const text = `${e?.message ?? ''} ${JSON.stringify(e?.details?.map((d) => d.message) ?? [])}`;
    if (pattern.test(text)) return `refused as expected: ${text.trim().slice(0, 300)}`;
    throw new Error(`refused, but not for the expected reason: ${text.trim()}`);
  }
  throw new Error('was not refused');
}

const run = randomUUID().slice(0, 8);
const org1 = gatewayFor('Org1MSP'), org2 = gatewayFor('Org2MSP'), org3 = gatewayFor('Org3MSP'), reg = gatewayFor('RegulatorMSP');
const ex = (g, ch) => g.getNetwork(ch).getContract('example');
const id = `asset-${run}`;
const roaming = ex(org1, 'roaming-emea');

await step('Org1 submits CreateAsset on roaming-emea', async () =>
  utf8.decode(await roaming.submitTransaction('CreateAsset', id, 'AAAA1', '100')));
await step('Org2 evaluates ReadAsset and sees it', async () => utf8.decode(await ex(org2, 'roaming-emea').evaluateTransaction('ReadAsset', id)));
await step('Org1 submits UpdateAsset', async () =>
  utf8.decode(await roaming.submitTransaction('UpdateAsset', id, 'BBBB2', '150')));
await step('Org3 reads the update', async () => {
  const asset = utf8.decode(await ex(org3, 'roaming-emea').evaluateTransaction('ReadAsset', id));
  if (!asset.includes('BBBB2')) throw new Error(`update not visible: ${asset}`);
  return asset;
});
await step('Org1 submits three more assets', async () => {
  for (const n of [1, 2, 3]) await roaming.submitTransaction('CreateAsset', `${id}-${n}`, 'AAAA1', String(n));
  return '3 committed';
});
await step('GetAssetsByRange returns [start, end)', async () => {
  const list = JSON.parse(utf8.decode(await roaming.evaluateTransaction('GetAssetsByRange', `${id}-1`, `${id}-3`)));
  const keys = list.map((a) => a.id ?? a.key);
  if (keys.join() !== `${id}-1,${id}-2`) throw new Error(`unexpected range ${JSON.stringify(list)}`);
  return JSON.stringify(list);
});
await step('GetCaller reports the caller MSP', async () => {
  const caller = utf8.decode(await ex(org2, 'numbers').evaluateTransaction('GetCaller'));
  if (!caller.includes('Org2MSP')) throw new Error(`unexpected caller ${caller}`);
  return caller;
});
await step('Org1 submits DeleteAsset and the asset is gone', async () => {
  await roaming.submitTransaction('DeleteAsset', `${id}-3`);
  return refused(() => roaming.evaluateTransaction('ReadAsset', `${id}-3`), /not exist|not found|no asset/i);
});

const pair = 'pair-Org1MSP-Org2MSP';
const secret = JSON.stringify({ owner: 'AAAA1', value: `peering 10.0.0.1/30 ${run}` });
await step(`Org1 puts private data in ${pair} (transient 'asset', endorsed by Org1 and Org2)`, async () => {
  const result = await roaming.submitAsync('PutPrivateAsset', {
    arguments: [pair, id],
    transientData: { asset: secret },
    endorsingOrganizations: ['Org1MSP', 'Org2MSP'],
  });
  const status = await result.getStatus();
  if (!status.successful) throw new Error(`validation code ${status.code}`);
  return `tx ${status.transactionId} in block ${status.blockNumber}`;
});
await step(`Org2 (member) reads it from ${pair}`, async () => {
  const got = utf8.decode(await ex(org2, 'roaming-emea').evaluateTransaction('ReadPrivateAsset', pair, id));
  if (!got.includes(run)) throw new Error(`unexpected value ${got}`);
  return got;
});
await step(`Org3 (not a member) is refused the read of ${pair}`, () =>
  refused(() => ex(org3, 'roaming-emea').evaluateTransaction('ReadPrivateAsset', pair, id), /permission|not.*member|access|denied|does not have read access/i));
await step("Org1 reads its own implicit collection write", async () => {
  const own = '_implicit_org_Org1MSP';
  const result = await roaming.submitAsync('PutPrivateAsset', {
    arguments: [own, id], transientData: { asset: secret }, endorsingOrganizations: ['Org1MSP'],
  });
  const status = await result.getStatus();
  if (!status.successful) throw new Error(`validation code ${status.code}`);
  return utf8.decode(await roaming.evaluateTransaction('ReadPrivateAsset', own, id));
});

await step('Org1 writes on audit', async () => utf8.decode(await ex(org1, 'audit').submitTransaction('CreateAsset', `audit-${run}`, 'Org1MSP', 'digest abc')));
await step('Regulator reads on audit', async () => utf8.decode(await ex(reg, 'audit').evaluateTransaction('ReadAsset', `audit-${run}`)));
await step('Regulator is refused a write on audit (channel Writers exclude it)', () =>
  refused(() => ex(reg, 'audit').submitTransaction('CreateAsset', `reg-${run}`, 'RegulatorMSP', 'x'), /access denied|not satisfy|permission|FORBIDDEN|policy/i));
await step('Regulator evaluates on eir', async () => {
  const caller = utf8.decode(await ex(reg, 'eir').evaluateTransaction('GetCaller'));
  if (!caller.includes('RegulatorMSP')) throw new Error(`unexpected caller ${caller}`);
  return caller;
});

for (const c of open.reverse()) c.close();
console.log(failures === 0 ? 'ALL PASSED' : `${failures} FAILED`);
process.exit(failures === 0 ? 0 : 1);
