/**
 * A serial lane: tasks run one after another, in the order they were queued, each to completion
 * before the next starts. One lane per account is what keeps two awaits from interleaving on one
 * position (an entry and a stop fill, a close and a reconciliation). A failing task does not stop
 * the lane; its caller gets the rejection.
 *
 * Never queue onto a lane from inside a task of the same lane and await it: that task would wait
 * for itself. Code running in a lane calls the internal functions directly.
 */
export interface Lane {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves once every task queued so far has finished. */
  idle(): Promise<void>;
  /** Tasks queued or running. */
  readonly depth: number;
}

export function createLane(): Lane {
  let tail: Promise<unknown> = Promise.resolve();
  let depth = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      depth++;
      const result = tail.then(task);
      tail = result.then(
        () => {
          depth--;
        },
        () => {
          depth--;
        },
      );
      return result;
    },
    async idle() {
      await tail;
    },
    get depth() {
      return depth;
    },
  };
}
