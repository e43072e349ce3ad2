/**
 * Routing speed: a random permutation of 2^20 through a Beneš network on one core (target < 1 s),
 * plus 2^16 and an odd-sized Waksman network. Each size: the first (cold) run and the best of three.
 *
 *   npx tsx tools/bench/permute/bench.ts
 */
import { buildNetwork, randomPermutation, realizes, routePermutation } from '@hardwire/permute';

for (const [n, kind] of [[1 << 16, 'benes'], [1 << 20, 'benes'], [1 << 20, 'waksman'], [1_000_003, 'waksman']] as const) {
  const perm = randomPermutation(n, 7);
  const times: number[] = [];
  let settings: Uint8Array | undefined;
  for (let r = 0; r < 4; r++) {
    const t = performance.now();
    settings = routePermutation({ n, kind }, perm);
    times.push(performance.now() - t);
  }
  const network = buildNetwork(n, kind);
  const ok = realizes(network, settings!, perm);
  console.log(`${kind.padEnd(7)} N=${String(n).padStart(9)}: ${network.switches.count.toLocaleString('en-US').padStart(12)} switches, route cold ${times[0].toFixed(0).padStart(5)} ms, best ${Math.min(...times.slice(1)).toFixed(0).padStart(5)} ms, verified ${ok}`);
}
