/**
 * The page: draw a digit and a network reads it; see every layer think; train networks of your own in a worker
 * and watch them learn; step through backpropagation on one digit; look inside. Everything runs here, on the same
 * library code as the command line (nnlearn's sources, bundled by Vite), from any static host.
 *
 * What the first screen shows loads first (the model, compressed, and one sample digit); the digits for training
 * and "See inside" come when a panel that needs them nears the screen or is used.
 */
import type { Network } from '../../src/nn/network.js';
import { setUpDrawing } from './draw.js';
import { setUpThink } from './think.js';
import { setUpTraining } from './train.js';
import { setUpBackprop } from './backprop.js';
import { gunzipIfNeeded } from './digits.js';
import { readModelFile, type PageModel } from './model.js';
import { PageWorker } from './worker-client.js';

const $ = <T extends HTMLElement>(sel: string) => document.querySelector<T>(sel)!;

/** Resolves when `el` comes within a screen's height of the viewport (or is used: `also`). */
function whenNear(el: Element, also: EventTarget[] = []): Promise<void> {
  return new Promise((resolve) => {
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          resolve();
        }
      },
      { rootMargin: '100px 0px' },
    );
    io.observe(el);
    for (const t of also) t.addEventListener('click', () => resolve(), { once: true });
  });
}

const worker = new PageWorker();
let model: PageModel | undefined;
const think = setUpThink();
const drawing = setUpDrawing((r) => think.show(model?.net, r));
const info = $<HTMLElement>('#model-info');

// the digits are fetched for the training panel's accuracies once it is near the screen, after the first prediction
const trainVisible = Promise.all([whenNear($('#train-panel'), [$('#train'), $('#resume'), $('#load')]), drawing.firstPrediction]).then(() => undefined);
let inside: Promise<{ show: (net: Network) => void }> | undefined;
const insideVisible = Promise.all([whenNear($('#inside-panel')), drawing.firstPrediction]).then(() => undefined);

const training = setUpTraining(worker, trainVisible, (m, accuracies) => {
  model = m;
  drawing.setModel(m.net);
  backprop.refresh();
  info.textContent = `model ${m.net.sizes.join('-')}, ${m.net.activation} hidden units, ${m.net.output} output · ${m.origin}`;
  void accuracies.then(
    (a) => {
      if (model === m) info.textContent = `model ${m.net.sizes.join('-')}, ${m.net.activation}/${m.net.output}: ${a.test.toFixed(2)}% of the held-out digits right · ${m.origin}`;
    },
    () => undefined,
  );
  void insideVisible.then(() => {
    inside ??= import('./inside.js').then((mod) => mod.setUpInside(worker));
    return inside.then((i) => {
      if (model === m) i.show(m.net);
    });
  });
});
const backprop = setUpBackprop(
  () => model?.net,
  () => drawing.current(),
);

// the shipped model: the command line's model file, gzip-compressed (0.5 MB instead of 1.1 MB)
fetch(new URL('./model.json.gz', document.baseURI))
  .then((r) => {
    if (!r.ok) throw new Error(`model.json.gz: ${r.status} ${r.statusText}`);
    return r.arrayBuffer();
  })
  .then(gunzipIfNeeded)
  .then(async (bytes) => {
    const m = await readModelFile(new Uint8Array(bytes), 'model.json');
    m.origin = `shipped with the page: ${m.origin.replace(/^model\.json: /, '')}`;
    training.show(m);
    document.body.dataset.ready = 'true';
  })
  .catch((err: unknown) => {
    info.textContent = `could not load the model: ${String(err)}`;
  });
