const buf = new Uint8Array(1<<20); const N=5e6;
function bench(name, fn){ let x=0; for(let i=0;i<1e5;i++)x+=fn(i).length; const t=performance.now(); for(let i=0;i<N;i++) x+=fn(i).length; console.log(name, ((performance.now()-t)*1e6/N).toFixed(1),'ns', x>0); }
bench('subarray', (i)=>buf.subarray(i&0xffff, (i&0xffff)+32));
bench('new U8(buffer,off,32)', (i)=>new Uint8Array(buf.buffer, buf.byteOffset+(i&0xffff), 32));
bench('slice copy', (i)=>buf.slice(i&0xffff, (i&0xffff)+32));
bench('new U8(32)+set', (i)=>{const o=new Uint8Array(32); o.set(buf.subarray(i&0xffff,(i&0xffff)+32)); return o;});
bench('new U8(32)+loop', (i)=>{const o=new Uint8Array(32); const s=i&0xffff; for(let k=0;k<32;k++)o[k]=buf[s+k]; return o;});
