import { jest } from '@jest/globals';
import { createAdmission } from '../src/admission.js';

/** A promise with its resolve/reject outside (work that ends when the test says so). */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setImmediate(r));
const live = () => new AbortController().signal;

test('admits up to the limit, refuses beyond, and frees a slot exactly once however often it is released', () => {
  const admission = createAdmission({ maxAdmitted: 2, maxRunning: 1 });
  const a = admission.tryAdmit()!;
  expect(admission.tryAdmit()).toBeDefined();
  expect(admission.tryAdmit()).toBeUndefined();
  a.release();
  a.release();
  a.release();
  expect(admission.counts().admitted).toBe(1);
  expect(admission.tryAdmit()).toBeDefined();
  expect(admission.tryAdmit()).toBeUndefined();
});

test('work beyond maxRunning waits in FIFO order', async () => {
  const admission = createAdmission({ maxAdmitted: 4, maxRunning: 1 });
  const gates = [deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = gates.map((g, i) =>
    admission.tryAdmit()!.run(async () => {
      started.push(i);
      return g.promise.then(() => i);
    }, live()),
  );
  await tick();
  expect(started).toEqual([0]);
  expect(admission.counts()).toEqual({ admitted: 3, running: 1, queued: 2 });
  gates[0]!.resolve();
  await runs[0];
  await tick();
  expect(started).toEqual([0, 1]);
  gates[1]!.resolve();
  gates[2]!.resolve();
  expect(await Promise.all(runs)).toEqual([0, 1, 2]);
});

test(
  'queued work whose signal aborts leaves the queue unrun, ' +
    'rejects with the reason and frees its slot once released',
  async () => {
    const admission = createAdmission({ maxAdmitted: 3, maxRunning: 1 });
    const gate = deferred();
    const first = admission.tryAdmit()!;
    const running = first.run(() => gate.promise, live());
    const ticket = admission.tryAdmit()!;
    const controller = new AbortController();
    const work = jest.fn(async () => 1);
    const queued = ticket.run(work, controller.signal);
    ticket.release(); // the exchange ended (client gone) while the work is queued: the slot stays held
    expect(admission.counts()).toEqual({ admitted: 2, running: 1, queued: 1 });
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    expect(admission.counts()).toEqual({ admitted: 1, running: 1, queued: 0 });
    gate.resolve();
    await running;
    expect(work).not.toHaveBeenCalled();
    first.release();
    expect(admission.counts()).toEqual({ admitted: 0, running: 0, queued: 0 });
  },
);

test('an already aborted signal never runs its work', async () => {
  const admission = createAdmission({ maxAdmitted: 1, maxRunning: 1 });
  const controller = new AbortController();
  controller.abort(new Error('timed out'));
  const work = jest.fn(async () => 1);
  await expect(admission.tryAdmit()!.run(work, controller.signal)).rejects.toThrow('timed out');
  expect(work).not.toHaveBeenCalled();
});

test(
  'running work keeps the slot after release until it ends, ' + 'even when it fails or throws synchronously',
  async () => {
    const admission = createAdmission({ maxAdmitted: 1, maxRunning: 1 });
    const ticket = admission.tryAdmit()!;
    const gate = deferred();
    const running = ticket.run(() => gate.promise.then(() => Promise.reject(new Error('model failed'))), live());
    ticket.release(); // e.g. a timeout answered 503
    expect(admission.tryAdmit()).toBeUndefined();
    gate.resolve();
    await expect(running).rejects.toThrow('model failed');
    expect(admission.counts()).toEqual({ admitted: 0, running: 0, queued: 0 });

    const again = admission.tryAdmit()!;
    await expect(
      again.run(() => {
        throw new Error('sync throw');
      }, live()),
    ).rejects.toThrow('sync throw');
    again.release();
    expect(admission.counts()).toEqual({ admitted: 0, running: 0, queued: 0 });
  },
);

test('a freed ticket refuses more work, and limits must be positive integers', async () => {
  const admission = createAdmission({ maxAdmitted: 1, maxRunning: 1 });
  const ticket = admission.tryAdmit()!;
  ticket.release();
  await expect(ticket.run(async () => 1, live())).rejects.toThrow(/already freed/);
  expect(() => createAdmission({ maxAdmitted: 0, maxRunning: 1 })).toThrow(
    'Expected a positive integer for maxAdmitted but received 0',
  );
  expect(() => createAdmission({ maxAdmitted: 1, maxRunning: 1.5 })).toThrow(
    'Expected a positive integer for maxRunning but received 1.5',
  );
});
