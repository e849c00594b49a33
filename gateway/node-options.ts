/**
 * The Node options the gateway process runs with (`npm run start:gateway`, the image's gateway role,
 * bench:memory): a young generation of 4 MiB semi-spaces instead of 16 and an old generation of at most
 * 384 MiB, so that V8 collects the large answers' garbage before the heap grows far past what is live. With
 * the readings cap and the budget of readings in flight at their defaults, the largest query the limits
 * allow peaks at about 350 MiB RSS (docs/benchmarks.md, "Memory"); the budget keeps two of them from
 * needing twice the heap.
 */
export const GATEWAY_NODE_OPTIONS = ['--max-semi-space-size=4', '--max-old-space-size=384'];
