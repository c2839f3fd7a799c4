// A bounded hand-off from several producers (git processes) to one async consumer. When the consumer
// falls behind, producers are paused rather than letting parsed commits pile up in memory.

export interface BatchQueueOptions<T> {
  producers: number;
  /** Pause the producers once this much weight is waiting; resume when it falls to half. */
  highWaterMark: number;
  weigh(item: T): number;
  /** Small batches waiting together are handed over as one of up to this many items. */
  maxBatchItems: number;
  pause(): void;
  resume(): void;
}

interface Batch<T> {
  items: T[];
  weight: number;
}

export class BatchQueue<T> {
  private readonly batches: Batch<T>[] = [];
  private weight = 0;
  #paused = false;
  private openProducers: number;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: BatchQueueOptions<T>) {
    this.openProducers = options.producers;
  }

  /** True while producers should hold back; a producer started now must begin paused. */
  get paused(): boolean {
    return this.#paused;
  }

  push(items: T[]): void {
    if (items.length === 0) return;
    const weight = items.reduce((sum, item) => sum + this.options.weigh(item), 0);
    this.batches.push({ items, weight });
    this.weight += weight;
    if (!this.#paused && this.weight >= this.options.highWaterMark) {
      this.#paused = true;
      this.options.pause();
    }
    this.notify();
  }

  producerDone(): void {
    this.openProducers -= 1;
    this.notify();
  }

  /** The first failure wins; batches still queued are dropped, since the result can no longer be complete. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  async *drain(): AsyncGenerator<T[]> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      const items = this.takeWaiting();
      if (items !== undefined) {
        yield items;
      } else if (this.openProducers <= 0) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }

  /** The waiting batches, joined while they fit in maxBatchItems (a larger one is passed on whole). */
  private takeWaiting(): T[] | undefined {
    const first = this.batches.shift();
    if (first === undefined) return undefined;
    let items = first.items;
    let weight = first.weight;
    while (this.batches.length > 0 && items.length + this.batches[0]!.items.length <= this.options.maxBatchItems) {
      const next = this.batches.shift()!;
      items = items.concat(next.items);
      weight += next.weight;
    }
    this.release(weight);
    return items;
  }

  private release(weight: number): void {
    this.weight -= weight;
    if (this.#paused && this.weight <= this.options.highWaterMark / 2) {
      this.#paused = false;
      this.options.resume();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
