/**
 * Group commit: items submitted while a flush is running are gathered and written by the next flush in one
 * transaction with multi-row statements, so throughput is bound by flushes, not by single-row commits.
 * A flush returns one result per item; an Error in a slot rejects only that item's promise.
 */
export type FlushFn<I, O> = (items: I[]) => Promise<(O | Error)[]>;

export class Batcher<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly flush: FlushFn<I, O>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves when everything submitted so far is flushed. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setImmediate(r));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      // Yield once so items submitted in the same tick join the first batch.
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => {
            const r = results[i];
            if (r instanceof Error) b.reject(r);
            else b.resolve(r);
          });
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
