// Installed in the page by benchmarks/browser.py (see its docstring): window.__bench.arm() before a key press.
() => {
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const app = document.querySelector('[data-testid=stApp]');
  const hash = (s) => { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return h >>> 0; };
  const small = document.createElement('canvas'); small.width = small.height = 16;
  const sctx = small.getContext('2d', {willReadFrequently: true});
  const charts = () => main.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stImage], [data-testid=stPlotlyChart], [data-testid=stArrowVegaLiteChart]');
  const fingerprint = () => {
    const parts = [];
    for (const c of charts()) {
      for (const svg of c.querySelectorAll('svg.marks')) parts.push(hash(svg.innerHTML));
      for (const cv of c.querySelectorAll('canvas')) {
        try { sctx.clearRect(0, 0, 16, 16); sctx.drawImage(cv, 0, 0, 16, 16); parts.push(hash(String(sctx.getImageData(0, 0, 16, 16).data))); }
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
          if (quiet && (sameOk ? st.chartMut : fingerprint() !== st.before)) {
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
