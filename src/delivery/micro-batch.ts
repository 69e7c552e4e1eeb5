/**
 * Gathers calls made close together into one batch: the first call starts a short wait, and the batch runs
 * when it is full or the wait ends. Each caller gets its own result, or the batch's error.
 */
export class MicroBatcher<I, O> {
  private items: I[] = [];
  private waiters: Array<{ resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    if (!items.length) return;
    this.run(items).then(
      (results) => waiters.forEach((w, i) => w.resolve(results[i])),
      (error) => waiters.forEach((w) => w.reject(error)),
    );
  }
}
