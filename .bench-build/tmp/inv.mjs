import * as r from '/work/main/.bench-build/lib/index.js';
import { from } from 'rxjs';
const net = r.networks.mainnet;
const frames=[]; for (let i=0;i<20000;i++){ frames.push(Buffer.from(r.encodeMessage(net,{command:'inv',items:Array.from({length:35},(_,k)=>({type:1,hash:new Uint8Array(32).fill(k+i)}))}))); }
const stream=Buffer.concat(frames); const chunks=[]; for (let i=0;i<stream.length;i+=65536) chunks.push(stream.subarray(i,i+65536));
const mode=process.argv[2];
for (let round=0;round<8;round++){
  const t=performance.now(); let n=0;
  if (mode==='rx') from(chunks).pipe(r.decodeMessages(net)).subscribe({next:()=>void n++});
  else { const f=new r.MessageFramer(net); for (const c of chunks) f.push(c,()=>n++); }
  console.log(round, Math.round(n/((performance.now()-t)/1000)));
}
