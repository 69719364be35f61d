/* One chart drawn per task. A fiche mounts all its charts at once: dcc.Graph calls Plotly.react for each
   in the same task, and the page could not answer a click or a key for more than half a second (total
   blocking time). Once plotly.js has loaded, the first drawing of a later task runs at once and the next ones
   wait for tasks of their own, in the order they were asked for; each caller still gets the promise of its
   drawing. A single update (the map's change of indicator) is drawn at once, as before. */
(function () {
    "use strict";

    var waiting = [];
    var drawnThisTask = false;
    var channel = new MessageChannel();
    function drawNext() {
        var next = waiting.shift();
        drawnThisTask = next !== undefined;
        if (next) {
            channel.port2.postMessage(null);
            next();
        }
    }
    channel.port1.onmessage = drawNext;

    function oneChartPerTask(Plotly) {
        var react = Plotly.react;
        Plotly.react = function () {
            var self = this;
            var args = arguments;
            if (!drawnThisTask) {
                drawnThisTask = true;
                channel.port2.postMessage(null);
                return react.apply(self, args);
            }
            return new Promise(function (resolve, reject) {
                waiting.push(function () {
                    try {
                        Promise.resolve(react.apply(self, args)).then(resolve, reject);
                    } catch (error) {
                        reject(error);
                    }
                });
            });
        };
        Plotly.oneChartPerTask = true;
        /* The task that evaluated plotly.js is long already: the first chart waits for the next one. */
        drawnThisTask = true;
        channel.port2.postMessage(null);
    }

    /* dcc.Graph loads plotly.js with a script element: a capturing listener runs before the element's own
       load handler, hence before the first Plotly.react. */
    document.addEventListener(
        "load",
        function (event) {
            if (event.target.tagName === "SCRIPT" && window.Plotly && !window.Plotly.oneChartPerTask) {
                oneChartPerTask(window.Plotly);
            }
        },
        true
    );
    if (window.Plotly) {
        oneChartPerTask(window.Plotly);
    }
})();
