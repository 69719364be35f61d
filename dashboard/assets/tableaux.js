/* Table rows written from data (dashboard/ui/plain_rows.py): a table body with a data-rows attribute gets its
   rows as plain elements as soon as React inserts it (or changes the attribute), before the next paint.
   The body has no Dash children, so React leaves these rows alone. A link marked data-link opens its page
   inside the app, as dcc.Link does (the address changes, Dash's router draws the page). */
(function () {
    "use strict";

    function build(node) {
        if (typeof node === "string") {
            return document.createTextNode(node);
        }
        var element = document.createElement(node.t);
        Object.keys(node.a || {}).forEach(function (name) {
            element.setAttribute(name, node.a[name]);
        });
        append(element, node.c);
        return element;
    }

    function append(element, children) {
        if (children == null) {
            return;
        }
        (Array.isArray(children) ? children : [children]).forEach(function (child) {
            element.appendChild(build(child));
        });
    }

    function write(body) {
        var rows = document.createDocumentFragment();
        append(rows, JSON.parse(body.getAttribute("data-rows")));
        body.replaceChildren(rows);
    }

    /* Only HTML can hold a table body: the thousands of SVG elements plotly adds are skipped at once. */
    function writeWithin(node) {
        if (!(node instanceof HTMLElement)) {
            return;
        }
        if (node.matches("tbody[data-rows]")) {
            write(node);
        }
        node.querySelectorAll("tbody[data-rows]").forEach(write);
    }

    new MutationObserver(function (mutations) {
        mutations.forEach(function (mutation) {
            if (mutation.type === "attributes") {
                write(mutation.target);
            } else {
                mutation.addedNodes.forEach(writeWithin);
            }
        });
    }).observe(document.documentElement, {
        childList: true,
        subtree: true,
        attributes: true,
        attributeFilter: ["data-rows"]
    });

    document.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[data-link]");
        if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        window.history.pushState({}, "", link.getAttribute("href"));
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    });
})();
