import { setImmediate as turn } from 'node:timers/promises';

/**
 * Long CPU work (reading and checking a large import) shares the event loop with every other request: it calls
 * the returned function often, and that gives the loop a turn once `budgetMs` of work has passed since the last.
 * Measured in time rather than in rows, so a slow machine or an expensive row cannot stretch a slice.
 */
export function yieldEvery(budgetMs = 10): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return turn().then(() => {
      since = performance.now();
    });
  };
}
