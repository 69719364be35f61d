/* Map explorer (home page): URL sync, « copier le lien », hatch pattern for missing values. Local, no CDN. */
(function () {
    "use strict";

    var HATCH_ID = "motif-donnee-absente";

    function addHatchPattern() {
        if (document.getElementById(HATCH_ID)) {
            return;
        }
        var ns = "http://www.w3.org/2000/svg";
        var svg = document.createElementNS(ns, "svg");
        svg.setAttribute("width", "0");
        svg.setAttribute("height", "0");
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("focusable", "false");
        svg.style.position = "absolute";
        svg.innerHTML =
            '<defs><pattern id="' + HATCH_ID + '" patternUnits="userSpaceOnUse" width="7" height="7" ' +
            'patternTransform="rotate(45)"><rect width="7" height="7" fill="#eeeeee"></rect>' +
            '<line x1="0" y1="0" x2="0" y2="7" stroke="#8c8c8c" stroke-width="2"></line></pattern></defs>';
        document.body.appendChild(svg);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", addHatchPattern);
    } else {
        addHatchPattern();
    }

    function fallbackCopy(input) {
        input.focus();
        input.select();
        try {
            if (document.execCommand("copy")) {
                return "Lien copié dans le presse-papiers.";
            }
        } catch (error) {
            /* fall through to the manual instruction */
        }
        return "Le lien est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).";
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        carte: {
            /* Rows of the values table from the compact data of map.table, written straight into the table body:
               plain DOM rows, not Dash components (hundreds of components slowed every update of the page). The body
               has no Dash children, so React leaves these rows alone. */
            tableRows: function (data, bodyId) {
                var body = document.getElementById(bodyId);
                if (!body) {
                    return window.dash_clientside.no_update;
                }
                function cell(type, text, className) {
                    var element = document.createElement(type);
                    element.textContent = text == null ? "" : String(text);
                    if (className) {
                        element.className = className;
                    }
                    return element;
                }
                var rows = document.createDocumentFragment();
                ((data && data.rows) || []).forEach(function (row) {
                    var known = row[3] >= 0 && row[3] < data.classes.length;
                    var tr = document.createElement("tr");
                    var name = cell("th", row[1]);
                    name.scope = "row";
                    var classCell = cell(
                        "td", known ? data.classes[row[3]][0] : data.missing, known ? "cell-class" : "cell-class cell-missing"
                    );
                    if (known) {
                        classCell.style.setProperty("--swatch", data.classes[row[3]][1]);
                    }
                    tr.append(cell("td", row[0], "cell-number"), name, cell("td", row[2], "cell-number"), classCell,
                        cell("td", row[4]));
                    rows.appendChild(tr);
                });
                body.replaceChildren(rows);
                return window.dash_clientside.no_update;
            },
            /* Write the view state in the address bar (no reload, no history entry); return the permalink. */
            syncUrl: function (query) {
                if (!query) {
                    return window.dash_clientside.no_update;
                }
                if (window.location.search !== query) {
                    window.history.replaceState(
                        window.history.state, "", window.location.pathname + query + window.location.hash
                    );
                }
                return window.location.origin + window.location.pathname + query;
            },
            copyLink: function (clicks, inputId) {
                var input = document.getElementById(inputId);
                if (!clicks || !input) {
                    return window.dash_clientside.no_update;
                }
                if (navigator.clipboard && window.isSecureContext) {
                    return navigator.clipboard.writeText(input.value).then(
                        function () { return "Lien copié dans le presse-papiers."; },
                        function () { return fallbackCopy(input); }
                    );
                }
                return fallbackCopy(input);
            }
        }
    });
})();
