/* global window, document, location, requestAnimationFrame, MutationObserver */
// Init script of the workbench benchmark (bench/ui.ts), run by Chromium at the start of every document. It watches
// the DOM and, in the first animation frame after any change, samples what the benchmark's conditions read: the
// timeline's visible rows and event count, the graph's nodes (and how many are still unmeasured) and the viewport
// transform. A sample is logged with performance.now() (0 = this document's navigation start) whenever it differs
// from the previous one. Sampling in the frame means a logged state is one the browser is about to paint.
(() => {
  if (location.protocol === 'about:') return;
  const log = [];
  window.__atrBench = { log };
  let last = '';
  let scheduled = false;
  const sample = () => {
    scheduled = false;
    const row = document.querySelector('.tl-row:not(.tl-row-pending)');
    const rect = row ? row.getBoundingClientRect() : undefined;
    const rowsVisible = rect !== undefined && rect.height > 0 && rect.bottom > 0 && rect.top < window.innerHeight;
    const count = document.querySelector('.tl-count')?.textContent ?? '';
    const nodes = document.querySelectorAll('.react-flow__node');
    // React Flow renders a node hidden until it has measured it.
    let hidden = 0;
    for (const n of nodes) if (n.style.visibility === 'hidden') hidden++;
    const transform = document.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const s = { rowsVisible, count, nodes: nodes.length, hidden, transform };
    const key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    log.push({ t: performance.now(), ...s });
  };
  new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(sample);
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['style', 'class'] });
})();
