/**
 * The page's side of its worker (./train-worker.ts): one worker for the page's life, started when first needed;
 * the digits sent to it once; jobs (a training run, an evaluation) one at a time, in order. Stop is a message,
 * which the worker reads between two mini-batches or iterations.
 */
import type { Network } from '../../src/nn/network.js';
import type { TrainState } from '../../src/nn/network.js';
import { digitsBytes } from './digits.js';
import { specOf } from './model.js';
import type { PageMessage, WorkerMessage } from './protocol.js';
import type { Settings } from './settings.js';

export type Progress = Extract<WorkerMessage, { type: 'progress' }>;
export type Done = Extract<WorkerMessage, { type: 'done' }>;
export type Evaluated = Extract<WorkerMessage, { type: 'evaluated' }>;

export class PageWorker {
  private worker: Worker | undefined;
  private listener: ((m: WorkerMessage) => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private digits: Promise<void> | undefined;

  private start(): Worker {
    if (this.worker === undefined) {
      this.worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.listener?.(e.data);
      this.worker.onerror = (e) => this.listener?.({ type: 'error', message: e.message || 'the worker failed to start' });
    }
    return this.worker;
  }

  /** Runs `job` after the jobs before it; `handle` sees the worker's messages until it returns a result. */
  private run<T>(message: PageMessage | (() => Promise<PageMessage>), handle: (m: WorkerMessage) => T | undefined): Promise<T> {
    const job = this.chain.then(
      () =>
        new Promise<T>((resolve, reject) => {
          const w = this.start();
          this.listener = (m) => {
            if (m.type === 'error') {
              this.listener = undefined;
              reject(new Error(m.message));
              return;
            }
            const r = handle(m);
            if (r !== undefined) {
              this.listener = undefined;
              resolve(r);
            }
          };
          if (typeof message === 'function') {
            message().then((m) => w.postMessage(m), reject);
          } else {
            w.postMessage(message);
          }
        }),
    );
    this.chain = job.catch(() => undefined);
    return job;
  }

  /** The digits, fetched (compressed) and handed to the worker once. */
  ensureDigits(): Promise<void> {
    this.digits ??= this.run(
      async () => ({ type: 'digits', bytes: (await digitsBytes()).slice(0) }),
      (m) => (m.type === 'digits-ready' ? true : undefined),
    ).then(
      () => undefined,
      (err: unknown) => {
        this.digits = undefined;
        throw err;
      },
    );
    return this.digits;
  }

  private evaluations = new WeakMap<Network, Promise<Evaluated>>();

  /** Accuracies on the page's digits and the answer for each test digit (once per network: panels share it). */
  evaluate(net: Network): Promise<Evaluated> {
    let e = this.evaluations.get(net);
    if (e === undefined) {
      e = this.ensureDigits().then(() => this.run({ type: 'evaluate', model: specOf(net) }, (m) => (m.type === 'evaluated' ? m : undefined)));
      e.catch(() => this.evaluations.delete(net));
      this.evaluations.set(net, e);
    }
    return e;
  }

  async train(
    settings: Settings,
    from: { net: Network; state?: TrainState } | undefined,
    on: { started: (threads: number, backend: string) => void; progress: (p: Progress) => void },
  ): Promise<Done> {
    await this.ensureDigits();
    const message: PageMessage = {
      type: 'train',
      settings,
      seed: 0,
      ...(from !== undefined ? { from: { model: specOf(from.net), ...(from.state !== undefined ? { state: from.state } : {}) } } : {}),
    };
    return this.run(message, (m) => {
      if (m.type === 'started') on.started(m.threads, m.backend);
      else if (m.type === 'progress') on.progress(m);
      else if (m.type === 'done') return m;
      return undefined;
    });
  }

  stop(): void {
    this.worker?.postMessage({ type: 'stop' } satisfies PageMessage);
  }
}
