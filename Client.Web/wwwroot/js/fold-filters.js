// On a phone, a list's filters start folded (<details data-fold> closed) so the rows come first; on a
// wider screen they stay open. Without script they are simply open.
(function () {
    if (window.matchMedia("(max-width: 40rem)").matches) {
        for (const details of document.querySelectorAll("details[data-fold]")) {
            details.open = false;
        }
    }
})();
