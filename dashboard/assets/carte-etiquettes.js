/* Town names on the map (dashboard/map/labels.py): at every zoom, a name that overlaps a name drawn before it
   (higher priority: préfectures, sous-préfectures, then by population) is hidden. Local file, no CDN.
   `declutter` is a pure function, also loaded by the unit tests with node. */
(function (root) {
    "use strict";

    var TRACE_NAME = "villes";
    var MARGIN = 4;

    function overlaps(a, b, margin) {
        return a.left < b.right + margin && b.left < a.right + margin &&
            a.top < b.bottom + margin && b.top < a.bottom + margin;
    }

    /* Boxes in priority order ({left, top, right, bottom}, or null when not drawn): which ones to show. */
    function declutter(boxes, margin) {
        var kept = [];
        return boxes.map(function (box) {
            if (!box) {
                return false;
            }
            for (var i = 0; i < kept.length; i++) {
                if (overlaps(box, kept[i], margin)) {
                    return false;
                }
            }
            kept.push(box);
            return true;
        });
    }

    var api = {declutter: declutter, overlaps: overlaps};
    if (typeof module !== "undefined" && module.exports) {
        module.exports = api;
        return;
    }
    root.carteEtiquettes = api;

    function labelTexts(gd) {
        var groups = gd.querySelectorAll("g.trace.scattergeo");
        for (var i = 0; i < groups.length; i++) {
            var data = groups[i].__data__;
            if (data && data[0] && data[0].trace && data[0].trace.name === TRACE_NAME) {
                return Array.prototype.slice.call(groups[i].querySelectorAll("text"));
            }
        }
        return [];
    }

    function inside(box, frame) {
        return box.width > 0 && box.left >= frame.left && box.right <= frame.right &&
            box.top >= frame.top && box.bottom <= frame.bottom;
    }

    /* The view the names were last measured in: an indicator change redraws the map in the same view, so the
       names keep their visibility without measuring them again (a measure forces a layout of every polygon). */
    function viewKey(gd, count) {
        var layout = gd._fullLayout || {};
        var geo = layout.geo || {};
        var centre = geo.center || {};
        return [centre.lon, centre.lat, (geo.projection || {}).scale, layout.width, layout.height, count].join("|");
    }

    function apply(texts, shown) {
        texts.forEach(function (text, i) {
            text.style.display = shown[i] ? "" : "none";
            text.setAttribute("data-etiquette", shown[i] ? "visible" : "masquee");
        });
    }

    function update(gd) {
        var texts = labelTexts(gd);
        var svg = gd.querySelector(".main-svg");
        if (!texts.length || !svg) {
            return;
        }
        var key = viewKey(gd, texts.length);
        if (gd.__carteEtiquettesVue === key && gd.__carteEtiquettesVisibles) {
            apply(texts, gd.__carteEtiquettesVisibles);
            return;
        }
        var frame = svg.getBoundingClientRect();
        texts.forEach(function (text) { text.style.display = ""; });
        var boxes = texts.map(function (text) {
            var box = text.getBoundingClientRect();
            return inside(box, frame) ? box : null;
        });
        var shown = declutter(boxes, MARGIN);
        gd.__carteEtiquettesVue = key;
        gd.__carteEtiquettesVisibles = shown;
        apply(texts, shown);
    }

    function hook() {
        var gd = document.querySelector("#carte .js-plotly-plot");
        if (!gd || !gd.on || gd.__carteEtiquettes) {
            return;
        }
        gd.__carteEtiquettes = true;
        var run = function () { update(gd); };
        gd.on("plotly_afterplot", run);
        gd.on("plotly_relayout", run);
        run();
    }

    function start() {
        new MutationObserver(hook).observe(document.body, {childList: true, subtree: true});
        hook();
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})(typeof window !== "undefined" ? window : this);
