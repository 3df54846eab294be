import * as r from '../lib/index.js';
import { readFileSync } from 'fs';
const raw = readFileSync('/work/shared/data/block-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk');
const m = r.decodePayload('block', raw);
const frames = m.block.transactions.map((tx) => r.encodeMessage(r.networks.mainnet, { command: 'tx', tx }));
const bframe = r.encodeMessage(r.networks.mainnet, m);
const mode = process.argv[2];
const stream = mode === 'tx' ? Buffer.concat(frames) : Buffer.concat(Array(20).fill(bframe));
const chunks=[]; for (let i=0;i<stream.length;i+=65536) chunks.push(stream.subarray(i,i+65536));
let t=performance.now(); let n=0;
for (let k=0;k<30;k++){ const f=new r.MessageFramer(r.networks.mainnet); for (const c of chunks) f.push(c, ()=>n++); }
const dt=performance.now()-t; console.log(mode, (stream.length*30/1e6)/(dt/1000), 'MB/s', n/(dt/1000),'msg/s');
t=performance.now();
for (let k=0;k<30;k++){ const f=new r.MessageFramer(r.networks.mainnet, {verifyChecksum:false}); for (const c of chunks) f.push(c, ()=>n++); }
const dt2=performance.now()-t; console.log('no checksum', (stream.length*30/1e6)/(dt2/1000), 'MB/s');
