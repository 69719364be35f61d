/* One chart drawn per task. A fiche mounts all its charts at once: dcc.Graph calls Plotly.react for each
   in the same task, and the page could not answer a click or a key for more than half a second (total
   blocking time). Each chart's first drawing waits for a task of its own (not the one where React laid the
   page out), in the order they were asked for; each caller still gets the promise of its drawing. An
   update of a drawn chart (the map's change of indicator) is drawn at once when no other drawing ran in the
   same task. */
(function () {
    "use strict";

    var waiting = [];
    var firstDrawings = new WeakMap();
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

    /* The first drawing of a chart (`gd`), as a promise and the function that resolves it. */
    function firstDrawing(gd) {
        var entry = firstDrawings.get(gd);
        if (!entry) {
            entry = {};
            entry.promise = new Promise(function (resolve) {
                entry.resolve = resolve;
            });
            firstDrawings.set(gd, entry);
        }
        return entry;
    }

    function drawn(gd) {
        if (gd && typeof gd === "object") {
            firstDrawing(gd).resolve();
        }
    }

    function oneChartPerTask(Plotly) {
        var react = Plotly.react;
        Plotly.react = function () {
            var self = this;
            var args = arguments;
            var gd = args[0];
            var neverDrawn = !(gd && gd._fullLayout);
            if (!drawnThisTask) {
                drawnThisTask = true;
                channel.port2.postMessage(null);
                if (!neverDrawn) {
                    return react.apply(self, args);
                }
            }
            return new Promise(function (resolve, reject) {
                waiting.push(function () {
                    try {
                        Promise.resolve(react.apply(self, args)).then(resolve, reject).then(function () {
                            drawn(gd);
                        });
                    } catch (error) {
                        reject(error);
                    }
                });
            });
        };
        /* dcc.Graph resizes a chart when the page around it moves, even before its first drawing, and then takes
           off its "pending" mark (the one that keeps its room, style.css): a chart not drawn yet is resized once
           drawn, so it keeps its room until then. */
        if (Plotly.Plots && Plotly.Plots.resize) {
            var resize = Plotly.Plots.resize;
            Plotly.Plots.resize = function (gd) {
                var self = this;
                var args = arguments;
                if (gd && typeof gd === "object" && !gd._fullLayout) {
                    return firstDrawing(gd).promise.then(function () {
                        return resize.apply(self, args);
                    });
                }
                return resize.apply(self, args);
            };
        }
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
