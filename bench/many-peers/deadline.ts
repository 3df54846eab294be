/**
 * Preloaded (`node --import`) into a timed recovery: a run still going
 * after `RXBTC_BENCH_DEADLINE_MS` prints `{"event":"bench-deadline"}` and
 * exits with status 124, so a recovery that hangs (a staller it waits on
 * forever) is reported instead of stopping the bench. The timer does not
 * keep the process alive.
 */
const ms = Number(process.env['RXBTC_BENCH_DEADLINE_MS']);
if (ms > 0) {
  setTimeout(() => {
    console.log(JSON.stringify({ event: 'bench-deadline', ms }));
    process.exit(124);
  }, ms).unref();
}
