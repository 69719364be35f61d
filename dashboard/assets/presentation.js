/* Presentation mode (/presentation): full-screen show, keyboard (remote clickers), mouse-idle controls,
   the deck in progress kept in the browser (localStorage) for « ajouter à la présentation ». Local, no CDN. */
(function () {
    "use strict";

    var STORAGE_KEY = "residences-sociales:presentation";
    var IDLE_MS = 2500;
    var HASH_PREFIX = "#diapo-";
    var SAFE = {"%3A": ":", "%7C": "|", "%2C": ","};
    var idleTimer = null;
    var leavingFullscreen = false;

    function deckElement() {
        return document.querySelector(".deck:not(.deck-print)");
    }

    function slidesOf(deck) {
        return Array.prototype.filter.call(deck.children, function (child) {
            return child.classList.contains("slide");
        });
    }

    function showing(deck) {
        return Boolean(deck) && deck.classList.contains("is-showing");
    }

    function currentOf(deck) {
        return parseInt(deck.getAttribute("data-current") || "1", 10);
    }

    function readSaved() {
        try {
            return window.localStorage.getItem(STORAGE_KEY) || "";
        } catch (error) {
            return "";
        }
    }

    function writeSaved(text) {
        try {
            window.localStorage.setItem(STORAGE_KEY, text);
        } catch (error) {
            /* private browsing: the deck stays in the address only */
        }
    }

    function encodeDeck(text) {
        return encodeURIComponent(text).replace(/%3A|%7C|%2C/g, function (code) {
            return SAFE[code];
        });
    }

    function setHash(hash) {
        var url = window.location.pathname + window.location.search + hash;
        if (window.location.pathname + window.location.search + window.location.hash !== url) {
            window.history.replaceState(window.history.state, "", url);
        }
    }

    function announce(deck, text) {
        var status = deck.querySelector(".deck-status");
        if (status) {
            status.textContent = text;
        }
    }

    function go(deck, number) {
        var slides = slidesOf(deck);
        if (!slides.length) {
            return;
        }
        var target = Math.max(1, Math.min(slides.length, number));
        slides.forEach(function (slide, index) {
            var current = index + 1 === target;
            slide.classList.toggle("is-current", current);
            slide.setAttribute("aria-hidden", current ? "false" : "true");
        });
        deck.setAttribute("data-current", String(target));
        announce(deck, slides[target - 1].getAttribute("aria-label") || "");
        setHash(HASH_PREFIX + target);
    }

    function pointerActive(deck) {
        deck.classList.add("pointer-active");
        window.clearTimeout(idleTimer);
        idleTimer = window.setTimeout(function () {
            deck.classList.remove("pointer-active");
        }, IDLE_MS);
    }

    function start(deck, number) {
        if (!deck || !slidesOf(deck).length) {
            return;
        }
        deck.classList.add("is-showing");
        document.documentElement.classList.add("deck-showing");
        deck.setAttribute("tabindex", "-1");
        deck.setAttribute("aria-roledescription", "présentation");
        go(deck, number || 1);
        deck.focus({preventScroll: true});
    }

    function leaveFullscreen() {
        if (document.fullscreenElement && document.exitFullscreen) {
            leavingFullscreen = true;
            document.exitFullscreen().catch(function () {
                leavingFullscreen = false;
            });
        }
    }

    function stop(deck) {
        deck.classList.remove("is-showing", "pointer-active");
        document.documentElement.classList.remove("deck-showing");
        slidesOf(deck).forEach(function (slide) {
            slide.classList.remove("is-current");
            slide.removeAttribute("aria-hidden");
        });
        leaveFullscreen();
        setHash("");
        var button = document.querySelector("[data-deck-action='start']");
        if (button) {
            button.focus();
        }
    }

    function toggleFullscreen() {
        if (document.fullscreenElement) {
            leaveFullscreen();
        } else if (document.documentElement.requestFullscreen) {
            document.documentElement.requestFullscreen().catch(function () {
                /* refused (no user gesture, or not allowed): the show stays in the window */
            });
        }
    }

    /* Esc in full screen is taken by the browser, which leaves full screen: leave the show too. */
    document.addEventListener("fullscreenchange", function () {
        var deck = deckElement();
        if (!document.fullscreenElement && !leavingFullscreen && showing(deck)) {
            stop(deck);
        }
        if (!document.fullscreenElement) {
            leavingFullscreen = false;
        }
    });

    document.addEventListener("keydown", function (event) {
        var deck = deckElement();
        if (!showing(deck) || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var key = event.key;
        var current = currentOf(deck);
        if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || (key === " " && !event.shiftKey)) {
            go(deck, current + 1);
        } else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp" || key === "Backspace" || key === " ") {
            go(deck, current - 1);
        } else if (key === "Home") {
            go(deck, 1);
        } else if (key === "End") {
            go(deck, slidesOf(deck).length);
        } else if (key === "f" || key === "F") {
            toggleFullscreen();
        } else if (key === "Escape") {
            stop(deck);
        } else {
            return;
        }
        event.preventDefault();
    });

    document.addEventListener("mousemove", function () {
        var deck = deckElement();
        if (showing(deck)) {
            pointerActive(deck);
        }
    });

    document.addEventListener("click", function (event) {
        var target = event.target instanceof Element ? event.target : null;
        var action = target && target.closest("[data-deck-action]");
        if (action) {
            var deck = deckElement();
            var name = action.getAttribute("data-deck-action");
            if (!deck) {
                return;
            }
            if (name === "start") {
                start(deck, 1);
                toggleFullscreen();
            } else if (name === "next") {
                go(deck, currentOf(deck) + 1);
            } else if (name === "previous") {
                go(deck, currentOf(deck) - 1);
            } else if (name === "fullscreen") {
                toggleFullscreen();
            } else if (name === "exit") {
                stop(deck);
            }
            return;
        }
        /* « Ajouter à la présentation » (map, territory page): append to the deck in progress. */
        var link = target && target.closest("a[data-deck-add]");
        if (link) {
            var saved = readSaved();
            var url = new URL(link.href, window.location.href);
            if (saved && !url.searchParams.has("d")) {
                link.href = url.pathname + "?d=" + encodeDeck(saved) + "&ajouter=" +
                    encodeDeck(url.searchParams.get("ajouter") || "");
            }
        }
    }, true);

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        presentation: {
            /* On every render of /presentation: remember the deck, write its canonical address (the slides
               just added become part of `d`), offer to resume the deck in progress, restart the show of a
               reloaded address (#diapo-3). Returns the resume link and whether it is hidden. */
            sync: function (state) {
                var noUpdate = window.dash_clientside.no_update;
                if (!state) {
                    return [noUpdate, true];
                }
                if (state.explicit) {
                    writeSaved(state.deck || "");
                    if (state.canonical !== null && window.location.search !== state.canonical) {
                        window.history.replaceState(
                            window.history.state, "", window.location.pathname + state.canonical + window.location.hash
                        );
                    }
                } else {
                    var saved = readSaved();
                    if (saved) {
                        return [state.path + "?d=" + encodeDeck(saved), false];
                    }
                }
                var match = new RegExp("^" + HASH_PREFIX + "(\\d+)$").exec(window.location.hash);
                if (match && state.deck) {
                    window.setTimeout(function () {
                        start(deckElement(), parseInt(match[1], 10));
                    }, 0);
                }
                return [noUpdate, true];
            },
            copyLink: function (clicks, inputId) {
                var input = document.getElementById(inputId);
                if (!clicks || !input) {
                    return window.dash_clientside.no_update;
                }
                var url = new URL(input.value, window.location.href).href;
                if (navigator.clipboard && window.isSecureContext) {
                    return navigator.clipboard.writeText(url).then(
                        function () { return "Lien copié dans le presse-papiers."; },
                        function () { return "Copiez le lien avec Ctrl+C (ou Cmd+C)."; }
                    );
                }
                input.focus();
                input.select();
                return "Le lien est sélectionné : copiez-le avec Ctrl+C (ou Cmd+C).";
            }
        }
    });
})();
