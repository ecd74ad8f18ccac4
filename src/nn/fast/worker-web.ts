/**
 * Entry point of a Web Worker of the threaded evaluator (see ./worker-core.ts), for browsers. Bundle it as a
 * module worker beside the page (Vite: `new Worker(new URL('…/worker-web.js', import.meta.url), { type: 'module' })`).
 */
import type { WorkerInput } from './threaded.js';
import { serve } from './worker-core.js';

// each message brings an evaluator to serve until it is closed
self.addEventListener('message', (e: MessageEvent<WorkerInput>) => serve(e.data));
