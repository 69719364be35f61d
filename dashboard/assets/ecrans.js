/* Small screens: the buttons that fold a part of the page (« Menu » of the header, the map's controls on a phone).
   A button of class disclosure-button names what it folds with aria-controls and says its state with
   aria-expanded; the CSS hides the part while the button says "false" (on small screens only). */
(function () {
    "use strict";

    function toggle(button, expanded) {
        button.setAttribute("aria-expanded", expanded ? "true" : "false");
    }

    document.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest(".disclosure-button[aria-controls]");
        if (button) {
            toggle(button, button.getAttribute("aria-expanded") !== "true");
            return;
        }
        /* A link of the folded navigation opens another page (no reload): the menu folds again. */
        var link = event.target.closest && event.target.closest(".site-header .nav-link");
        var menu = document.querySelector(".menu-button");
        if (link && menu) {
            toggle(menu, false);
        }
    });

    /* Escape in the header, navigation unfolded, folds it and gives the focus back to « Menu ». */
    document.addEventListener("keydown", function (event) {
        if (event.key !== "Escape") {
            return;
        }
        var menu = document.querySelector(".menu-button[aria-expanded='true']");
        var header = menu && menu.closest("header");
        if (header && header.contains(document.activeElement)) {
            toggle(menu, false);
            menu.focus();
        }
    });
})();
