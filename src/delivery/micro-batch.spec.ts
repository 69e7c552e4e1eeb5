import { MicroBatcher } from './micro-batch';

describe('MicroBatcher', () => {
  it('runs calls made together as one batch and answers each caller with its own result', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    }, 100, 5);
    expect(await Promise.all([b.add(1), b.add(2), b.add(3)])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('runs a full batch at once and the rest after the wait', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (items) => {
      batches.push(items);
      return items;
    }, 2, 5);
    await Promise.all([b.add(1), b.add(2), b.add(3)]);
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('hands a failed batch error to every caller in it', async () => {
    const b = new MicroBatcher<number, number>(async () => {
      throw new Error('database gone');
    }, 10, 1);
    const results = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
