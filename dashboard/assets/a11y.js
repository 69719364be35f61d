/* Accessible names and roles that Dash 4's components leave out or get wrong, set once they are drawn
   (and again when React redraws them). Local, no CDN.
   - dcc.RadioItems / dcc.Checklist draw a « listbox » of « options » that wrap native inputs: the list
     becomes a radiogroup (or group) named by its fieldset's legend or its <label for>, the native inputs
     keep their own roles.
   - dcc.Dropdown's tab stop is an input marked aria-hidden: it is named like the button it hands the focus
     to, and that button is named by its <label for> and then by its value.
   - dcc.Slider's thumbs are named by the label of their group.
   - Plotly charts that a sentence and a table already describe (`.chart-described`): their drawing is
     hidden from screen readers, their buttons are not.
   - An empty header row of a pinned ag-grid section is not a row of the table. */
(function () {
    "use strict";

    var counter = 0;

    function idOf(element) {
        if (!element.id) {
            counter += 1;
            element.id = "a11y-nom-" + counter;
        }
        return element.id;
    }

    function labelFor(id) {
        if (!id) {
            return null;
        }
        var escaped = window.CSS && CSS.escape ? CSS.escape(id) : id;
        return document.querySelector("label[for='" + escaped + "']");
    }

    /* The ids of the element naming `element`: its fieldset's legend, its <label for>, its group's name. */
    function namingIds(element) {
        var label = labelFor(element.id);
        if (label) {
            return idOf(label);
        }
        var fieldset = element.closest("fieldset");
        var legend = fieldset && fieldset.querySelector(":scope > legend");
        if (legend) {
            return idOf(legend);
        }
        var group = element.closest("[aria-labelledby]");
        return group && group !== element ? group.getAttribute("aria-labelledby") : null;
    }

    function name(element, ids) {
        if (ids && !element.hasAttribute("aria-label") && element.getAttribute("aria-labelledby") !== ids) {
            element.setAttribute("aria-labelledby", ids);
        }
    }

    function repairOptionList(list) {
        var role = list.classList.contains("dash-radioitems") ? "radiogroup" : "group";
        if (list.getAttribute("role") !== role) {
            list.setAttribute("role", role);
        }
        name(list, namingIds(list));
        list.querySelectorAll(":scope > label[role], :scope > label[aria-selected]").forEach(function (option) {
            option.removeAttribute("role");
            option.removeAttribute("aria-selected");
        });
    }

    function repairDropdown(target) {
        var button = target.nextElementSibling;
        if (!button || button.tagName !== "BUTTON") {
            return;
        }
        var label = labelFor(button.id);
        var own = (button.getAttribute("aria-labelledby") || "").split(" ").filter(function (part) {
            return part && part !== (label && label.id);
        });
        var ids = (label ? [idOf(label)] : []).concat(own).join(" ");
        name(button, ids);
        name(target, ids);
        target.removeAttribute("aria-hidden");
    }

    function repairSlider(thumb) {
        var container = thumb.closest(".dash-slider-container");
        name(thumb, namingIds(container || thumb));
        var input = container && container.querySelector("input.dash-range-slider-input");
        if (input) {
            name(input, namingIds(container));
        }
    }

    function repair(root) {
        if (!root.querySelectorAll) {
            return;
        }
        root.querySelectorAll(".dash-options-list.dash-radioitems, .dash-options-list.dash-checklist").forEach(repairOptionList);
        root.querySelectorAll("input.dash-dropdown-focus-target[aria-hidden]").forEach(repairDropdown);
        root.querySelectorAll("[role='slider']:not([aria-labelledby]):not([aria-label])").forEach(repairSlider);
        root.querySelectorAll(".chart-described svg.main-svg:not([aria-hidden])").forEach(function (svg) {
            svg.setAttribute("aria-hidden", "true");
        });
        root.querySelectorAll(".ag-header-row[role='row']:empty:not([aria-hidden])").forEach(function (row) {
            row.setAttribute("aria-hidden", "true");
            row.removeAttribute("tabindex");
        });
    }

    /* A link with `data-focus` (« Voir ces valeurs en tableau ») moves the focus to its target, not only the
       view: the next Tab goes on from there. */
    document.addEventListener("click", function (event) {
        var link = event.target instanceof Element ? event.target.closest("a[data-focus]") : null;
        var target = link && document.getElementById(link.getAttribute("data-focus"));
        if (target) {
            event.preventDefault();
            if (!target.hasAttribute("tabindex")) {
                target.setAttribute("tabindex", "-1");
            }
            target.scrollIntoView({block: "start"});
            target.focus({preventScroll: true});
        }
    });

    var pending = false;

    function schedule() {
        if (!pending) {
            pending = true;
            window.requestAnimationFrame(function () {
                pending = false;
                repair(document);
            });
        }
    }

    function start() {
        repair(document);
        new MutationObserver(function (mutations) {
            for (var i = 0; i < mutations.length; i += 1) {
                var mutation = mutations[i];
                if (mutation.type === "childList" ? mutation.addedNodes.length : true) {
                    schedule();
                    return;
                }
            }
        }).observe(document.body, {
            childList: true,
            subtree: true,
            attributes: true,
            attributeFilter: ["role", "aria-selected", "aria-hidden", "tabindex"],
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
