// Installed in the page by benchmarks/browser.py (see its docstring): window.__bench.arm() before a key press.
() => {
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const app = document.querySelector('[data-testid=stApp]');
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return h >>> 0; };
  // a canvas is compared through a 64x64 downsample (averaging: a mark that moves a pixel still shows)
  const S = 64, small = document.createElement('canvas'); small.width = small.height = S;
  const sctx = small.getContext('2d', {willReadFrequently: true});
  // Vega's canvas renderer changes no DOM when it redraws; it starts every redraw with clearRect, which
  // is patched (once) to count as a chart mutation, so "quiet" waits for canvases as it does for SVG
  const proto = CanvasRenderingContext2D.prototype;
  if (!proto.__benchClear) {
    proto.__benchClear = proto.clearRect;
    proto.clearRect = function (...args) {
      if (this.canvas !== small && window.__bench && window.__bench.drew) window.__bench.drew(this.canvas);
      return proto.__benchClear.apply(this, args);
    };
  }
  const charts = () => main.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stImage], [data-testid=stPlotlyChart], [data-testid=stArrowVegaLiteChart]');
  const fingerprint = () => {
    const parts = [];
    for (const c of charts()) {
      for (const svg of c.querySelectorAll('svg.marks')) parts.push(hash(svg.innerHTML));
      for (const cv of c.querySelectorAll('canvas')) {
        try {
          sctx.clearRect(0, 0, S, S); sctx.drawImage(cv, 0, 0, S, S);
          const d = sctx.getImageData(0, 0, S, S).data; let h = 2166136261;
          for (let i = 0; i < d.length; i++) { h ^= d[i]; h = Math.imul(h, 16777619); }
          parts.push(h >>> 0);
        }
        catch (e) { parts.push(cv.width * 7 + cv.height); }
      }
      for (const img of c.querySelectorAll('img')) parts.push(hash(img.src));
    }
    return parts.join(',');
  };
  window.__bench = {
    arm(sameOk = false) {
      const st = {before: fingerprint(), press: null, runStart: null, runEnd: null, lastMut: 0, done: null, frames: 0, chartMut: false};
      window.__bench.state = st;
      const CHART = '[data-testid=stVegaLiteChart], [data-testid=stImage], [data-testid=stPlotlyChart]';
      const mo = new MutationObserver((records) => {
        st.lastMut = performance.now();
        if (st.press === null || st.chartMut) return;
        for (const r of records) {
          const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          if (el && el.closest(CHART)) { st.chartMut = true; break; }
        }
      });
      mo.observe(main, {subtree: true, childList: true, attributes: true, characterData: true});
      window.__bench.drew = (cv) => {
        if (!cv.closest || !cv.closest(CHART)) return;
        st.lastMut = performance.now();
        if (st.press !== null) st.chartMut = true;
      };
      const so = new MutationObserver((records) => {
        if (st.press === null) return;
        const now = performance.now();
        for (const r of records) if (r.oldValue === 'running' && st.runEnd === null) { st.runStart = st.runStart ?? now; st.runEnd = now; }
        if (app.getAttribute('data-test-script-state') === 'running' && st.runStart === null) st.runStart = now;
      });
      so.observe(app, {attributes: true, attributeFilter: ['data-test-script-state'], attributeOldValue: true});
      document.addEventListener('keydown', (e) => { if (st.press === null) st.press = e.timeStamp; }, {capture: true, once: true});
      let prevMut = -1;
      const tick = (now) => {
        st.frames++;
        // finished: the run's end was seen, or (a run too quick for the DOM to show "running") the app is
        // idle again and the charts changed, which only the new run's messages can do
        const idle = app.getAttribute('data-test-script-state') !== 'running';
        const finished = st.runEnd !== null || (idle && st.chartMut && st.press !== null);
        if (finished && !document.querySelector('[data-stale=true]')) {
          const quiet = st.lastMut === prevMut;
          // a Train press may end on the picture it started from: then it is enough that a chart redrew
          if (quiet && (fingerprint() !== st.before || (sameOk && st.chartMut))) {
            st.done = now; mo.disconnect(); so.disconnect(); return;
          }
        }
        prevMut = st.lastMut;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      return st.before.length;
    },
  };
}
