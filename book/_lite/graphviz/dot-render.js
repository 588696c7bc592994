// k8snet: draws the diagrams that k8snet's views leave as DOT source where graphviz's `dot` cannot run
// (JupyterLite: Python runs in the browser and starts no processes). Each such diagram is
//   <div class="k8snet-dot"><pre class="k8snet-dot-source">digraph ...</pre></div>
// (k8snet.views.graphviz.dot_placeholder); this script replaces it by the SVG that Graphviz compiled to
// WebAssembly draws (wasm-graphviz.js beside this file, loaded on the first diagram only). A MutationObserver
// catches diagrams added later: cell outputs, and widgets (an explorer's Stack creates its views on demand).
// Each element gets data-k8snet-rendered = "pending", then "svg" or "error" (the error is in its title).
(function () {
  "use strict";
  if (window.k8snetDotRender) {
    return;
  }
  var here = document.currentScript ? document.currentScript.src : document.baseURI;
  var moduleUrl = new URL("wasm-graphviz.js", here).href;
  var graphviz = null;

  function load() {
    if (!graphviz) {
      graphviz = import(moduleUrl).then(function (m) {
        return m.Graphviz.load();
      });
    }
    return graphviz;
  }

  // as k8snet.views.graphviz.inline_svg: no XML declaration, DOCTYPE or comments inside an HTML page
  function inline(svg) {
    return svg
      .replace(/<\?xml[^>]*\?>\s*/, "")
      .replace(/<!DOCTYPE[^>]*>\s*/i, "")
      .replace(/<!--[\s\S]*?-->\s*/g, "")
      .trim();
  }

  function render(el) {
    el.setAttribute("data-k8snet-rendered", "pending");
    var source = el.querySelector(".k8snet-dot-source");
    var dot = source ? source.textContent : "";
    return load()
      .then(function (gv) {
        el.innerHTML = inline(gv.dot(dot));
        var svg = el.querySelector("svg");
        if (svg) {
          svg.style.maxWidth = "100%"; // shrink to the column; the viewBox keeps the proportions
          svg.style.height = "auto";
        }
        el.setAttribute("data-k8snet-rendered", "svg");
      })
      .catch(function (err) {
        el.setAttribute("data-k8snet-rendered", "error");
        el.title = "Graphviz (WebAssembly) could not draw this diagram: " + err;
      });
  }

  function scan() {
    var todo = document.querySelectorAll(".k8snet-dot:not([data-k8snet-rendered])");
    return Promise.all(Array.prototype.map.call(todo, render));
  }

  var queued = false;
  function schedule() {
    if (!queued) {
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        scan();
      });
    }
  }

  function start() {
    scan();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  window.k8snetDotRender = { scan: scan, load: load };
  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
