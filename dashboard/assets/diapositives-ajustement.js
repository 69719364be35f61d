/* Slides whose content is taller than their body (a territory with long arguments, a ranking of 25 EPCI)
   get smaller text, step by step, until it fits: `--fit` scales the body's text unit (presentation.css).
   The footer (sources, vintage) keeps its size. Runs on every slide shown (editor preview, show, print view,
   exports) and again when a slide changes size; `data-fit` tells the exports that the slide is fitted. */
(function () {
    "use strict";

    const SMALLEST = 0.55;
    const STEP = 0.05;

    function fit(body) {
        if (!body.clientHeight) {
            return;
        }
        let scale = 1;
        body.style.setProperty("--fit", "1");
        while (body.scrollHeight > body.clientHeight + 1 && scale > SMALLEST) {
            scale = Math.max(SMALLEST, scale - STEP);
            body.style.setProperty("--fit", scale.toFixed(2));
        }
        body.dataset.fit = scale.toFixed(2);
    }

    const resized = new ResizeObserver((entries) => entries.forEach((entry) => fit(entry.target)));
    const watched = new WeakSet();

    function watch() {
        document.querySelectorAll(".slide-body").forEach((body) => {
            if (!watched.has(body)) {
                watched.add(body);
                resized.observe(body); // called once at once: the first fit
            }
        });
    }

    // The exports fit their slide again once they have given it its final size.
    window.fitSlides = () => document.querySelectorAll(".slide-body").forEach(fit);

    function start() {
        watch();
        new MutationObserver(watch).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
