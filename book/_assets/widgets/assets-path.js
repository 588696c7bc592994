// Loaded before require.js and embed-amd.js (book/_assets/README.md). Tells the vendored
// @jupyter-widgets/html-manager where its icon fonts are: the folder of this script. The bundles inside
// embed-amd.js take their webpack public path from the RequireJS URL of their module
// ("@jupyter-widgets/html-manager/dist/libembed-amd" -> .../dist/, "@jupyter-widgets/html-manager" ->
// .../@jupyter-widgets/), which by default is next to the page: without this map, widget pages request
// missing fonts (depending on which bundle injects its stylesheet first, so only sometimes).
(function () {
  var here = new URL("./", document.currentScript.src).href;
  var dir = here.replace(/\/$/, "");
  var paths = {
    "@jupyter-widgets/html-manager/dist": dir,  // .../dist/libembed-amd.js -> public path `here`
    "@jupyter-widgets": dir                      // .../@jupyter-widgets/html-manager.js -> `here`
  };
  window.__jupyter_widgets_assets_path__ = here;
  if (typeof window.require === "function" && window.require.config) {
    window.require.config({ paths: paths });
  } else {
    window.require = { paths: paths };  // RequireJS reads a pre-set `require` object as its config
  }
})();
