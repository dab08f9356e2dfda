// Shows each <time data-local> in the viewer's own time zone; the server writes UTC, which stays as the
// element's title so the exact instant is one hover away. A file, not inline script: the CSP allows only 'self'.
(function () {
    const format = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" });
    for (const element of document.querySelectorAll("time[data-local][datetime]")) {
        const when = new Date(element.getAttribute("datetime"));
        if (!isNaN(when.getTime())) {
            element.title = element.textContent;
            element.textContent = format.format(when);
        }
    }
})();
