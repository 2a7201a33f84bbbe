/**
 * Node flags a long-running server (`neurotrade start`) runs with; `npm start` passes them and
 * API_PROCESSES gives them to each server it forks.
 *
 * --max-semi-space-size=64 (MB; Node 20's default is 16): a 50-row API page allocates ~130 KB a
 * request (row text, the joined page, its encoding), ~130 MB/s at 1,000 requests/s. With the
 * default young generation, requests in flight at each scavenge were promoted and the old
 * generation was compacted every few seconds, with 6-16 ms pauses: the 50-row pages' p99 at
 * 1,000/s ran 6-35 ms from run to run (12 runs, 4 above 12 ms). With 64 MB: 12 of 12 runs at
 * 6.1-8.4 ms (bench/RESULTS.md, api, 2026-11-30 12:08-12:20 UTC). The cost: up to ~100 MB more
 * memory under load.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
